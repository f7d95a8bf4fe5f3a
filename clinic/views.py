import base64
import logging
import sys
from collections import Counter
from urllib.parse import urlencode

import qrcode
from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, ListView, UpdateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from qrcode.image.svg import SvgPathImage

from clinic import roles
from clinic.forms import ClientFilterForm, ClientForm, ReferralNoteForm, SessionRangeForm, TokenForm
from clinic.lib import second_factor, start_page
from clinic.lib.access import client_for
from clinic.lib.audit import audited, record_each
from clinic.lib.charts import body_map
from clinic.lib.fhir import client_bundle
from clinic.lib.history import change_log, versions_of
from clinic.lib.scans import scan_format
from clinic.lib.session_csv import csv_response
from clinic.lib.timeline import KINDS, ClientHistory
from clinic.lib.versions import EditConflict, save_unless_conflict
from clinic.models import AccessLog, Client, ReferralNote
from clinic.services import register_client
from screening.services import eligibility, eligibility_for
from sessions_app.models import Session, SessionStep, Zone

logger = logging.getLogger(__name__)

# How many past versions of the record, and how many events of the history, a page shows.
HISTORY_ON_PAGE = 10
RETRY_AFTER_SECONDS = 30
TIMELINE_PAGE = 30


@permission_required("clinic.view_client", raise_exception=True)
def home(request):
    """The start page of each role: the day's work, what needs attention, the clinic's week."""
    today = timezone.localdate()
    user = request.user
    context = {"today": today}
    if roles.is_clinic_admin(user) or user.has_perm("sessions_app.add_session"):
        # A therapist sees their own work; a clinic admin the whole clinic's.
        therapist = None if roles.is_clinic_admin(user) else user
        courses, open_count = start_page.open_courses(therapist)
        context.update(
            courses=courses,
            open_count=open_count,
            plan=start_page.work_plan(today, therapist),
            logged_today=start_page.sessions_logged_on(today, therapist),
            attention=start_page.needing_attention(courses, today),
            whole_clinic=therapist is None,
        )
    if roles.is_clinic_admin(user):
        context["weekly"] = start_page.weekly_sessions(today)
    if user.has_perm("clinic.add_client"):
        recent = Client.objects.active().select_related("primary_therapist")
        context.update(
            recent_clients=recent.order_by("-created_at")[:10],
            without_referral=start_page.clients_without_referral(),
        )
    return render(request, "clinic/home.html", context)


class ClientListView(PermissionRequiredMixin, ListView):
    permission_required = "clinic.view_client"
    raise_exception = True
    template_name = "clinic/client_list.html"
    context_object_name = "clients"
    paginate_by = settings.CLINIC_CLIENT_PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ClientFilterForm(self.request.GET)
        clients = Client.objects.select_related("primary_therapist").prefetch_related("conditions")
        return self.filter_form.filter(clients)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filter_form=self.filter_form, query_without_page=query.urlencode(), **kwargs
        )
        today = eligibility_for(context["clients"], timezone.localdate())
        for client in context["clients"]:
            client.eligibility_today = today[client.pk]
        return context


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
        messages.success(self.request, f"{client} registered.")
        return redirect(self.object)


class ClientUpdateView(UpdateView):
    form_class = ClientForm
    template_name = "clinic/client_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.client = client_for(request, kwargs["pk"], "clinic.change_client")
        if self.client.is_archived:
            messages.error(request, "This client is archived. Restore the record to edit it.")
            return redirect(self.client)
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
        messages.success(request, f"{self.object} saved.")
        return redirect(self.object)


@audited(AccessLog.View.CLIENT_PAGE)
def client_detail(request, pk):
    client = client_for(request, pk)
    history = ClientHistory.load(client, request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(KINDS) else ""
    done = Counter(session.course_id for session in history.counted_sessions())
    for course in history.courses:
        course.done = done[course.pk]
    mapped = selected_course(history.courses, request.GET.get("course"))
    timeline = Paginator(history.entries(kind), TIMELINE_PAGE).get_page(request.GET.get("page"))
    # Steps only for the sessions on this page of the timeline: a long history stays light.
    history.read_steps(entry.record for entry in timeline if entry.kind == "session")
    return render(
        request,
        "clinic/client_detail.html",
        {
            "client": client,
            "conditions": client.conditions.all(),
            "eligibility": eligibility(client, timezone.localdate()),
            "history": history,
            "kinds": KINDS,
            "kind": kind,
            "timeline_query": f"kind={kind}" if kind else "",
            "timeline": timeline,
            "pain": history.pain_chart(),
            "mapped_course": mapped,
            "body": (
                body_map(Zone.objects.all(), history.zone_counts(mapped))
                if mapped and history.sees_sessions
                else None
            ),
            "changes": change_log(versions_of(client)[: HISTORY_ON_PAGE + 1])[:HISTORY_ON_PAGE],
        },
    )


def selected_course(courses, wanted):
    """The course the body map shows: the one asked for, else the latest."""
    return next((c for c in courses if str(c.pk) == wanted), courses[0] if courses else None)


@require_POST
def client_archive(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        messages.info(request, f"{client} was already archived.")
    else:
        client.archive()
        messages.success(request, f"{client} archived. The record is kept and can be restored.")
    return redirect(client)


@require_POST
def client_restore(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        client.restore()
        messages.success(request, f"{client} restored to the active clients.")
    else:
        messages.info(request, f"{client} is not archived.")
    return redirect(client)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def referral_create(request, pk):
    client = client_for(request, pk, "clinic.add_referralnote")
    if client.is_archived:
        messages.error(request, "This client is archived. Restore the record to add a referral.")
        return redirect(client)
    note = ReferralNote(client=client, recorded_by=request.user)
    return referral_form(request, client, note, created=True)


def referral_edit(request, pk, referral_id):
    client = client_for(request, pk, "clinic.change_referralnote")
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    if client.is_archived:
        messages.error(request, "This client is archived. Restore the record to edit its notes.")
        return redirect(note)
    return referral_form(request, client, note, created=False)


def referral_form(request, client, note, *, created):
    form = ReferralNoteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=note,
    )
    if request.method == "POST":
        if conflict := save_unless_conflict(request, form):
            return conflict
        if form.is_valid():
            note = form.instance
            messages.success(
                request, "Referral note saved." if created else "Referral note updated."
            )
            return redirect(note)
    return render(
        request, "clinic/referral_form.html", {"client": client, "form": form, "note": note}
    )


@audited(AccessLog.View.REFERRAL)
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
@audited(AccessLog.View.SCAN)
def referral_scan(request, pk, referral_id):
    """The scanned letter, to staff whose role may read referral notes; never cached."""
    client = client_for(request, pk, "clinic.view_referralnote")
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    if not note.scan:
        raise Http404("This referral note has no scan.")
    try:
        scan = note.scan.open("rb")
    except FileNotFoundError:
        logger.error("Scan of referral note %s is missing from storage", note.pk)
        raise Http404("The scan is missing from storage; ask a clinic admin.") from None
    found = scan_format(scan.read(16))
    scan.seek(0)
    if found is None:  # a file that changed on disk since it was checked
        scan.close()
        raise Http404("The stored scan is not a readable PDF, JPEG or PNG.")
    extension, content_type = found
    response = FileResponse(
        scan, content_type=content_type, filename=f"referral-{note.pk}{extension}"
    )
    response["Cache-Control"] = "no-store, private"
    if content_type != "application/pdf":
        # Images are shown with no right to run scripts or reach other pages. PDFs go to the
        # browser's own viewer, which refuses sandboxed documents and runs isolated anyway.
        response["Content-Security-Policy"] = "sandbox"
    return response


def sessions_with_steps():
    return Session.objects.select_related("course__client", "therapist").prefetch_related(
        Prefetch("steps", SessionStep.objects.select_related("technique", "zone"))
    )


@never_cache
@audited(AccessLog.View.PRINT)
def client_print(request, pk):
    client = client_for(request, pk)
    history = ClientHistory.load(client, request.user)
    history.read_steps(history.sessions)  # the whole record, on paper
    return render(
        request,
        "clinic/client_print.html",
        {
            "client": client,
            "conditions": client.conditions.all(),
            "eligibility": eligibility(client, timezone.localdate()),
            "history": history,
            "entries": history.entries(),
            "printed_at": timezone.now(),
        },
    )


@never_cache
@audited(AccessLog.View.CSV)
def client_sessions_csv(request, pk):
    client = client_for(request, pk, "sessions_app.view_session")
    sessions = sessions_with_steps().filter(course__client=client).order_by("performed_at", "pk")
    return csv_response(sessions, f"{client.record_number}-sessions.csv")


@never_cache
@audited(AccessLog.View.FHIR)
def client_fhir(request, pk):
    client = client_for(request, pk, "sessions_app.view_session")
    history = ClientHistory.load(client, request.user)
    history.read_steps(history.sessions)  # each Procedure names the zones it worked
    bundle = client_bundle(history)
    response = HttpResponse(bundle.json(indent=2), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="{client.record_number}.fhir.json"'
    return response


def only_clinic_admins(request):
    """The clinic-wide export is a back-office task: the same role and second factor."""
    if not roles.is_clinic_admin(request.user):
        raise PermissionDenied("The clinic-wide export is for clinic admins.")
    if second_factor.required(request.user):
        return second_factor.ask_for_code(request)
    return None


def sessions_export(request):
    """The form of the clinic-wide sessions CSV."""
    if second_step := only_clinic_admins(request):
        return second_step
    return render(request, "clinic/sessions_export.html", {"form": SessionRangeForm()})


@never_cache
@audited(AccessLog.View.CLINIC_CSV)
def clinic_sessions_csv(request):
    if second_step := only_clinic_admins(request):
        return second_step
    form = SessionRangeForm(request.GET)
    if not form.is_valid():
        return render(request, "clinic/sessions_export.html", {"form": form}, status=400)
    in_range = sessions_with_steps().filter(
        performed_at__gte=form.start(), performed_at__lt=form.end()
    )
    # Besides the export's own row, one per client whose sessions it holds, so that the
    # log of a client shows this export too.
    record_each(
        request,
        in_range.values_list("course__client", flat=True).distinct(),
        AccessLog.View.CLINIC_CSV,
    )
    sessions = in_range.order_by("performed_at", "pk").iterator(chunk_size=500)
    first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return csv_response(sessions, f"sessions-{first:%Y%m%d}-{last:%Y%m%d}.csv")


def server_error(request):
    """The 500 handler. A database that does not answer, or is locked past the timeout, is a
    503 that says nothing was saved and when to try again; anything else is Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, EditConflict):
        # Two saves of one record at the same instant (the back office has no conflict page
        # of its own); the transaction was rolled back.
        return HttpResponse(loader.get_template("409.html").render(), status=409)
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
        raise PermissionDenied("Two-factor sign-in is for clinic admins.")


def safe_next(request, default="admin:index"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


PENDING_SECRET = "pending_totp_secret"


def wrong_code_message(device):
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        # django-otp waits longer after each wrong code, against guessing.
        return "Too many wrong codes in a row: wait a few seconds, then enter the current one."
    return "That code is not right, or it has expired. Enter the 6 digits the app shows now."


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
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(safe_next(request))
        form.add_error(
            "token",
            "That code is not right, or it has expired. Enter the 6 digits the app shows now.",
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
