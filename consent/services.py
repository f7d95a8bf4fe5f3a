"""Taking, refusing and withdrawing consent, and writing the texts it is given on."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.lib.massage import MassageType
from consent.models import PLACEHOLDER, Consent, ConsentText, Kind, Withdrawal


def text_in_force(kind, language, on):
    """The latest version of a kind's text in `language` in force on the day `on`, or None."""
    return (
        ConsentText.objects.filter(kind=kind, language=language)
        .in_force(on)
        .order_by("-version")
        .first()
    )


def latest_versions_in_force(on):
    """{(kind, language): the latest version in force on `on`}, in one query."""
    rows = ConsentText.objects.in_force(on).values("kind", "language").annotate(v=Max("version"))
    return {(row["kind"], row["language"]): row["v"] for row in rows}


# What a paper form prints for the day it is signed: the signer writes it by hand.
DATE_BY_HAND = "____________"


def fill(text, *, client, details, on):
    """The text as the client reads and signs it: its title and body with the placeholders
    filled in, in the text's own language. `details` are the cleaned ConsentDetailsForm's;
    `on` is the day it is signed, or None for a paper form (dated by hand)."""
    with translation.override(text.language):
        signer = client.full_name
        representative = "—"
        if details["signed_by"] == Consent.Signer.REPRESENTATIVE:
            representative = gettext("%(name)s (%(relationship)s)") % {
                "name": details["representative_name"],
                "relationship": details["representative_relationship"],
            }
            signer = representative
        massage_type = details.get("massage_type")
        therapist = details.get("therapist")
        if therapist:
            therapist = therapist.get_full_name() or therapist.get_username()
        else:
            therapist = gettext("a therapist of the clinic")
        values = {
            "client": client.full_name,
            "signer": signer,
            "representative": representative,
            "massage_type": str(MassageType(massage_type).label).lower() if massage_type else "—",
            "therapist": therapist,
            "clinic": settings.CLINIC_NAME or gettext("Manual therapy clinic"),
            "date": date_format(on, "DATE_FORMAT") if on else DATE_BY_HAND,
        }
        title, body = (
            PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), part)
            for part in (text.title, text.body)
        )
    return f"{title}\n\n{body.strip()}\n"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def stored_as(content, extension):
    """A file to keep under a random name: no path carries the client's name."""
    return ContentFile(content, name=f"{uuid.uuid4().hex}{extension}")


@transaction.atomic
def record_consent(
    *,
    client,
    text,
    details,
    shown_sha256,
    by,
    signed_on=None,
    signature=None,
    countersignature=None,
    scan=None,
    device_address=None,
    form_token=None,
):
    """Keep a consent or refusal as it was signed, or nothing.

    On the screen (`signature` and `countersignature` are the PNG images drawn) it is signed
    today; on paper (`scan` is the checked upload, with its extension set) on `signed_on`.
    `shown_sha256` is the hash of the text the page showed: if the text that would be stored
    differs (the client's name was corrected meanwhile, say), nothing is stored. The same
    signing page sent again (`form_token`) gives back the consent it stored the first time.
    """
    client.ensure_active()
    if form_token and (sent := Consent.objects.filter(form_token=form_token).first()):
        if sent.client_id != client.pk:
            raise ValidationError(
                _("This page is out of date: open the text again and sign it again."),
                code="stale_page",
            )
        return sent
    today = timezone.localdate()
    signed_on = signed_on or today
    if signed_on > today:
        raise ValidationError(
            _("A consent cannot be signed in the future; give the day it was signed."),
            code="signed_in_future",
        )
    if text_in_force(text.kind, text.language, signed_on) != text:
        raise ValidationError(
            _(
                "Version %(version)s of this text was not the one in force on %(date)s: "
                "take the consent again on the text in force."
            ),
            code="text_not_in_force",
            params={"version": text.version, "date": date_format(signed_on, "DATE_FORMAT")},
        )
    # A paper form was printed with the day left blank; the record keeps the day it was signed.
    shown = fill(text, client=client, details=details, on=None if scan else signed_on)
    if sha256(shown) != shown_sha256:
        raise ValidationError(
            _(
                "The text changed while it was on the screen, so nothing was stored: "
                "read the text again and sign it again."
            ),
            code="text_changed",
        )
    consent = Consent(
        client=client,
        text=text,
        kind=text.kind,
        shown_text=shown,
        shown_text_sha256=sha256(shown),
        massage_type=details.get("massage_type") or "",
        therapist=details.get("therapist"),
        signed_by=details["signed_by"],
        representative_name=details.get("representative_name", ""),
        representative_relationship=details.get("representative_relationship", ""),
        method=Consent.Method.PAPER if scan else Consent.Method.SCREEN,
        countersigned_by=by,
        signed_on=signed_on,
        device_address=device_address,
        form_token=form_token,
    )
    if scan:
        consent.scan = scan
    else:
        consent.signature = stored_as(signature, ".png")
        consent.countersignature = stored_as(countersignature, ".png")
    # The files are written first (their bytes are part of the record's hash); a failed
    # insert leaves them unreferenced, never a record without its files.
    for field in (consent.signature, consent.countersignature, consent.scan):
        if field and not field._committed:
            field.save(field.name, field.file, save=False)
    consent.full_clean(exclude=["record_sha256"])
    consent.record_sha256 = consent.fingerprint()
    consent.save()
    return consent


@transaction.atomic
def withdraw(*, consent, withdrawn_on, withdrawn_by, reason, by):
    """Record that the client took a consent back; the consent itself stays as signed."""
    consent.client.ensure_active()
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.kind == Kind.REFUSAL:
        raise ValidationError(
            _("A refusal is not withdrawn: take the client's consent instead."),
            code="refusal_withdrawn",
        )
    if Withdrawal.objects.filter(consent=consent).exists():
        raise ValidationError(
            _("This consent has been withdrawn already."), code="withdrawn_already"
        )
    if withdrawn_on < consent.signed_on or withdrawn_on > timezone.localdate():
        raise ValidationError(
            _("A consent is withdrawn between the day it was signed (%(date)s) and today."),
            code="withdrawn_on",
            params={"date": date_format(consent.signed_on, "DATE_FORMAT")},
        )
    withdrawal = Withdrawal(
        consent=consent,
        withdrawn_on=withdrawn_on,
        withdrawn_by=withdrawn_by,
        reason=reason,
        recorded_by=by,
    )
    withdrawal.full_clean()
    withdrawal.save()
    return withdrawal


def next_version(kind, language):
    latest = ConsentText.objects.filter(kind=kind, language=language).aggregate(v=Max("version"))
    return (latest["v"] or 0) + 1


@transaction.atomic
def write_text(*, by, **fields):
    """A new text, as the next version of its kind in its language. The versions of the kind
    are locked first, so that two admins saving at once get two versions, not an error."""
    text = ConsentText(created_by=by, **fields)
    list(ConsentText.objects.select_for_update().filter(kind=text.kind, language=text.language))
    text.version = next_version(text.kind, text.language)
    text.full_clean()
    text.save()
    return text


def revise_text(text, *, by, **changes):
    """A change to a text in use: a new version with the changes, the old one untouched.
    Until the new version comes into force (`in_force_from`), the old one stays in force."""
    fields = {
        name: getattr(text, name)
        for name in ("kind", "language", "title", "body", "in_force_from", "retired_on")
    }
    return write_text(by=by, **{**fields, **changes})
