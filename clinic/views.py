import base64
import logging
import sys
from urllib.parse import urlencode

import psycopg
import qrcode
from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from qrcode.image.svg import SvgPathImage

from clinic import roles
from clinic.forms import ClientForm, ReferralNoteForm, TokenForm
from clinic.lib import second_factor
from clinic.lib.access import client_for
from clinic.lib.audit import audited
from clinic.lib.change_log import change_log, versions_of
from clinic.lib.scans import stored_file_response
from clinic.lib.versions import save_unless_conflict
from clinic.models import ReferralNote
from clinic.services import file_referral, register_client

logger = logging.getLogger(__name__)

# How many past versions of a record its page shows.
HISTORY_ON_PAGE = 10
RETRY_AFTER_SECONDS = 30
HEALTH_QUERY = "SELECT 1"
HEALTH_TIMEOUT_MS = 2000


class ClientCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "clinic.add_client"
    raise_exception = True
    form_class = ClientForm
    template_name = "clinic/client_form.html"

    def form_valid(self, form):
        client = form.save(commit=False)
        self.object = register_client(
            client=client, conditions=form.cleaned_data["conditions"], by=self.request.user
        )
        messages.success(self.request, _("%(client)s registered.") % {"client": client})
        return redirect(self.object)


class ClientUpdateView(UpdateView):
    form_class = ClientForm
    template_name = "clinic/client_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.client = client_for(request, kwargs["pk"], "clinic.change_client", changes=True)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.client

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if conflict := save_unless_conflict(request, form):
            return conflict
        if not form.is_valid():
            return self.form_invalid(form)
        messages.success(request, _("%(client)s saved.") % {"client": self.object})
        return redirect(self.object)


@require_POST
def client_archive(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        messages.info(request, _("%(client)s was already archived.") % {"client": client})
    else:
        client.archive()
        messages.success(
            request,
            _("%(client)s archived. The record is kept and can be restored.") % {"client": client},
        )
    return redirect(client)


@require_POST
def client_restore(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        client.restore()
        messages.success(
            request, _("%(client)s restored to the active clients.") % {"client": client}
        )
    else:
        messages.info(request, _("%(client)s is not archived.") % {"client": client})
    return redirect(client)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not
    answer within HEALTH_TIMEOUT_MS (a probe must not wait like a page may)."""
    if not database_answers():
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def database_answers():
    """Whether the database answers HEALTH_QUERY in HEALTH_TIMEOUT_MS. On PostgreSQL the probe
    has a connection of its own, so that connecting to a server that does not answer is
    limited too, not only the query."""
    seconds = max(1, HEALTH_TIMEOUT_MS // 1000)
    try:
        if connection.vendor == "postgresql":
            params = {
                **connection.get_connection_params(),
                "connect_timeout": seconds,
                "options": f"-c statement_timeout={HEALTH_TIMEOUT_MS}",
            }
            with psycopg.connect(**params) as probe:
                probe.execute(HEALTH_QUERY).fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute(HEALTH_QUERY)
                cursor.fetchone()
    except (DatabaseError, psycopg.Error):
        return False
    return True


@audited("referral_form")
def referral_create(request, pk):
    client = client_for(request, pk, "clinic.add_referralnote", changes=True)
    note = ReferralNote(client=client, recorded_by=request.user)
    return referral_form(request, client, note, created=True)


@audited("referral_form")
def referral_edit(request, pk, referral_id):
    client = client_for(request, pk, "clinic.change_referralnote", changes=True)
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    return referral_form(request, client, note, created=False)


def referral_form(request, client, note, *, created):
    form = ReferralNoteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=note,
    )
    if request.method == "POST":
        if conflict := save_unless_conflict(request, form, save=file_with(request.user)):
            return conflict
        if form.is_valid():
            messages.success(
                request, _("Referral note saved.") if created else _("Referral note updated.")
            )
            # Back to the client, whose page offers what comes next (screen, plan a course).
            return redirect(client)
    return render(
        request, "clinic/referral_form.html", {"client": client, "form": form, "note": note}
    )


def file_with(user):
    def save(form):
        reason = form.cleaned_data.get("correction_reason", "")
        return file_referral(note=form.save(commit=False), by=user, reason=reason)

    return save


@audited("referral")
def referral_detail(request, pk, referral_id):
    client = client_for(request, pk, "clinic.view_referralnote")
    note = get_object_or_404(client.referral_notes.select_related("recorded_by"), pk=referral_id)
    return render(
        request,
        "clinic/referral_detail.html",
        {
            "client": client,
            "note": note,
            "changes": change_log(versions_of(note)[:HISTORY_ON_PAGE]),
        },
    )


# Chrome's PDF viewer refuses a PDF served under the site's policy; images get a stricter one.
@csp_exempt()
@audited("scan")
def referral_scan(request, pk, referral_id):
    """The scanned letter, to staff whose role may read referral notes; never cached."""
    client = client_for(request, pk, "clinic.view_referralnote")
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    if not note.scan:
        raise Http404(_("This referral note has no scan."))
    return stored_file_response(note.scan, f"referral-{note.pk}")


def server_error(request):
    """The 500 handler. A database that does not answer, or is locked past the timeout, is a
    503 that says nothing was saved and when to try again; anything else is Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OverflowError):
        # A number too large for the database in a posted choice: only a tampered form sends
        # one (the pages offer lists). Nothing was stored; say what to do, not "error 500".
        logger.warning("Refused a request with an out-of-range number: %s", error)
        return HttpResponse(loader.get_template("400.html").render(), status=400)
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", type(error).__name__)
        # Rendered without the request, like Django's own 500: no query may run now.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def clinic_admins_only(request):
    if not roles.is_clinic_admin(request.user):
        raise PermissionDenied(_("Two-factor sign-in is for clinic admins."))


def safe_next(request, default="admin:index"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


PENDING_SECRET = "pending_totp_secret"


def wrong_code_message(device):
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        # django-otp waits longer after each wrong code, against guessing.
        return _("Too many wrong codes in a row: wait a few seconds, then enter the current one.")
    return _("That code is not right, or it has expired. Enter the 6 digits the app shows now.")


@never_cache
def two_factor_setup(request):
    """Enrolment: the QR code and secret of a new authenticator, confirmed by a first code."""
    clinic_admins_only(request)
    enrolled = second_factor.confirmed_device(request.user)
    # Replacing an authenticator needs the current one: a stolen password alone must not do it.
    if enrolled and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
    if enrolled and request.method == "GET" and "renew" not in request.GET:
        return render(request, "registration/two_factor_enrolled.html", {"device": enrolled})
    # The new secret lives in this sign-in's session until a first code confirms it: each
    # visit of the page shows a fresh one, so a secret glimpsed by someone else is useless.
    if request.method == "GET" or PENDING_SECRET not in request.session:
        request.session[PENDING_SECRET] = random_hex(20)
    pending = TOTPDevice(
        user=request.user, name="Authenticator app", key=request.session[PENDING_SECRET]
    )
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if second_factor.code_matches(pending, form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user).delete()
                pending.confirmed = True
                pending.save()
            del request.session[PENDING_SECRET]
            otp_login(request, pending)
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(safe_next(request))
        form.add_error(
            "token",
            _("That code is not right, or it has expired. Enter the 6 digits the app shows now."),
        )
    qr = qrcode.make(pending.config_url, image_factory=SvgPathImage).to_string(encoding="unicode")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": mark_safe(qr),  # generated here from the device's own URL, not from input
            "secret": base64.b32encode(pending.bin_key).decode(),
            "next": safe_next(request),
        },
    )


@never_cache
def two_factor_verify(request):
    """The code of the day, asked before the back office opens."""
    clinic_admins_only(request)
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': safe_next(request)})}")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(safe_next(request))
        form.add_error("token", wrong_code_message(device))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": safe_next(request)}
    )
