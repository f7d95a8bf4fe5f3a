import base64
import logging
import uuid

from axes.helpers import get_client_ip_address
from csp.decorators import csp_exempt
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic import roles
from clinic.lib.access import client_for
from clinic.lib.audit import audited
from clinic.lib.scans import stored_file_response
from consent.forms import (
    ConsentDetailsForm,
    PaperScanForm,
    ScreenSignatureForm,
    WithdrawalForm,
)
from consent.models import Consent
from consent.services import fill, record_consent, sha256, withdraw

logger = logging.getLogger(__name__)

FILES = ("signature", "countersignature", "scan")


@audited("consent_form")
@require_http_methods(["GET", "POST"])
def consent_take(request, pk):
    """The first step: what is signed, by whom, how. The details are kept in the person's
    session, not in an address, so that a representative's name never reaches a server's
    log; the signing page (`consent_sign`) reads them from there."""
    client = client_for(request, pk, "consent.add_consent", changes=True)
    if request.method == "POST":
        details = ConsentDetailsForm(request.POST)
        if details.is_valid():
            request.session[details_key(client)] = {
                name: request.POST.get(name, "") for name in details.fields
            }
            return redirect("consent:sign", client.pk)
    else:
        # The therapist named in the text: whoever takes it if a therapist, else the client's
        # own; a course being planned passes its massage type and therapist.
        therapist = request.user.pk if roles.THERAPIST in roles.role_names(request.user) else None
        initial = {"therapist": therapist or client.primary_therapist_id}
        initial.update({k: v for k, v in request.GET.items() if k in PREFILLED})
        details = ConsentDetailsForm(initial=initial)
    return render(request, "consent/consent_details.html", {"client": client, "form": details})


# What a link may prefill on the details page: nothing that names a person.
PREFILLED = {"kind", "language", "massage_type", "therapist", "method"}


def details_key(client):
    return f"consent-details-{client.pk}"


@audited("consent_form")
@require_http_methods(["GET", "POST"])
def consent_sign(request, pk):
    """The text filled in, to sign on the screen or to print, then the signatures or the scan.
    The page can be reloaded: the text stays the same while the details do."""
    client = client_for(request, pk, "consent.add_consent", changes=True)
    details = ConsentDetailsForm(request.session.get(details_key(client)))
    if not details.is_bound or not details.is_valid():
        messages.info(request, _("Choose what is signed and by whom first."))
        return redirect("consent:take", client.pk)
    text, data = details.text, details.cleaned_data
    on_screen = data["method"] == Consent.Method.SCREEN
    # Signed on the screen today; on paper the signer dates it by hand.
    shown = fill(text, client=client, details=data, on=timezone.localdate() if on_screen else None)
    initial = {"text": text.pk, "shown_sha256": sha256(shown), "form_token": uuid.uuid4()}
    if on_screen:
        form_class, kwargs = ScreenSignatureForm, signers(client, data, request.user)
    else:
        form_class, kwargs = PaperScanForm, {"staff": request.user}
    form = form_class(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        showing=text,
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        signed = form.cleaned_data
        try:
            consent = record_consent(
                client=client,
                text=signed["text"],
                details=data,
                shown_sha256=signed["shown_sha256"],
                by=signed.get("countersigned_by") or request.user,
                signed_on=signed.get("signed_on"),
                signature=signed.get("signature"),
                countersignature=signed.get("countersignature"),
                scan=signed.get("scan"),
                device_address=get_client_ip_address(request),
                form_token=signed["form_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(consent)s recorded.") % {"consent": consent})
            return redirect(consent)
    return render(
        request,
        "consent/consent_sign.html" if on_screen else "consent/consent_paper.html",
        {"client": client, "details": data, "text": text, "shown": shown, "form": form},
    )


def signers(client, details, staff):
    signer = client.full_name
    if details["signed_by"] == Consent.Signer.REPRESENTATIVE:
        signer = details["representative_name"]
    return {"signer": signer, "staff": staff.get_full_name() or staff.get_username()}


def consent_of(request, pk, consent_id, perm="consent.view_consent", **access):
    client = client_for(request, pk, perm, **access)
    consents = client.consents.select_related(
        "client", "text", "withdrawal__recorded_by", "countersigned_by", "therapist"
    )
    return get_object_or_404(consents, pk=consent_id)


def drawn(consent):
    """The two signatures as images inside the page (data: addresses, which the CSP allows):
    a page and its printed copy carry them, and read nothing more from the server."""
    images = {}
    for part in ("signature", "countersignature"):
        stored = getattr(consent, part)
        if not stored:
            continue
        try:
            with stored.storage.open(stored.name, "rb") as image:
                images[part] = "data:image/png;base64," + base64.b64encode(image.read()).decode()
        except OSError:
            logger.error("The %s of consent %s is missing from storage", part, consent.pk)
    return images


@audited("consent")
@require_GET
def consent_detail(request, pk, consent_id):
    consent = consent_of(request, pk, consent_id)
    return render(
        request,
        "consent/consent_detail.html",
        {"client": consent.client, "consent": consent, "images": drawn(consent)},
    )


@audited("consent_print")
@require_GET
def consent_print(request, pk, consent_id):
    consent = consent_of(request, pk, consent_id)
    return render(
        request,
        "consent/consent_print.html",
        {
            "client": consent.client,
            "consent": consent,
            "images": drawn(consent),
            "printed_at": timezone.now(),
        },
    )


@audited("consent_withdraw")
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_id):
    consent = consent_of(request, pk, consent_id, "consent.add_withdrawal", changes=True)
    if not consent.can_be_withdrawn:
        messages.error(request, _("This consent cannot be withdrawn."))
        return redirect(consent)
    form = WithdrawalForm(
        request.POST if request.method == "POST" else None,
        initial={"withdrawn_by": consent.signer_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(consent=consent, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect(consent)
    return render(
        request,
        "consent/consent_withdraw.html",
        {"client": consent.client, "consent": consent, "form": form},
    )


@csp_exempt()
@audited("consent_file")
@require_GET
def consent_file(request, pk, consent_id, part):
    """A signature or the scan of a consent, to staff who may read consents; never cached."""
    if part not in FILES:
        raise Http404(_("There is no such file."))
    consent = consent_of(request, pk, consent_id)
    stored = getattr(consent, part)
    if not stored:
        raise Http404(_("This consent has no such file."))
    return stored_file_response(stored, f"consent-{consent.pk}-{part}")
