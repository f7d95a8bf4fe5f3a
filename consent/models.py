"""Informed consent (domain.md, "Informed consent"): the clinic's consent texts, kept in
versions, and the consents and refusals clients sign on them, which never change.

A text in use is never edited: a change is a new version (consent.services.revise_text). A
signed consent, and its withdrawal, are written once: the models refuse a second save, their
querysets refuse bulk updates, and a database trigger (migration 0002) refuses an UPDATE from
any other path, so what a client signed stays what they signed.
"""

import hashlib
import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.lib.massage import MassageType
from clinic.models import Client

# The words a text may leave to be filled in when it is signed, and what each becomes.
PLACEHOLDERS = {
    "client": _("the client's full name"),
    "signer": _("who signs: the client, or their representative and how related"),
    "representative": _("the representative and how related, or a dash"),
    "massage_type": _("the massage type of the course"),
    "therapist": _("the therapist"),
    "clinic": _("the clinic's name"),
    "date": _("the day of signing"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Unchangeable(Exception):
    """A signed consent or its withdrawal was about to be changed."""


class Kind(models.TextChoices):
    TREATMENT = "treatment", _("Consent to treatment")
    REFUSAL = "refusal", _("Refusal of treatment")
    PERSONAL_DATA = "personal_data", _("Consent to the processing of personal data")


# The kinds that decide whether the client may be treated: the latest of them counts.
ABOUT_TREATMENT = (Kind.TREATMENT, Kind.REFUSAL)


def validate_placeholders(body):
    unknown = sorted(set(PLACEHOLDER.findall(body)) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(unknown)s. The text may use: %(known)s."),
            code="unknown_placeholder",
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )


class ConsentTextQuerySet(models.QuerySet):
    def in_force(self, on):
        """Texts in force on the day `on`."""
        return self.filter(in_force_from__lte=on).filter(
            Q(retired_on__isnull=True) | Q(retired_on__gt=on)
        )


class ConsentText(models.Model):
    """One version of a consent text, in one language."""

    # What may still change in a text that has been signed: when it stops being offered.
    CHANGEABLE_IN_USE = {"retired_on"}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"), editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[validate_placeholders])
    body = models.TextField(
        _("text"),
        validators=[validate_placeholders],
        help_text=_(
            "Placeholders filled in when the text is signed: {client}, {signer}, "
            "{representative}, {massage_type}, {therapist}, {clinic}, {date}."
        ),
    )
    in_force_from = models.DateField(_("in force from"))
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("The first day it is no longer offered; empty while it is."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "language", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="consent_text_one_version_each"
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gt=F("in_force_from")),
                name="consent_text_retired_after_in_force",
                violation_error_message=_("A text is retired after the day it comes into force."),
            ),
        ]

    def __str__(self):
        return gettext("%(title)s, version %(version)s") % {
            "title": self.title,
            "version": self.version,
        }

    def save(self, *args, **kwargs):
        if self.pk is not None and self.in_use:
            changed = self.changed_fields() - self.CHANGEABLE_IN_USE
            if changed:
                raise Unchangeable(
                    f"Consent text {self.pk} is in use; change {sorted(changed)} in a new version."
                )
        super().save(*args, **kwargs)

    @property
    def in_use(self):
        return self.pk is not None and self.consents.exists()

    def changed_fields(self):
        """The fields that differ from the stored text."""
        stored = type(self).objects.get(pk=self.pk)
        return {
            field.attname
            for field in self._meta.concrete_fields
            if getattr(stored, field.attname) != getattr(self, field.attname)
        }


class ConsentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Unchangeable("Signed consents are never updated.")

    def delete(self):
        raise Unchangeable("Signed consents are never deleted.")

    def about_treatment(self):
        return self.filter(kind__in=ABOUT_TREATMENT)

    def on_or_before(self, day):
        return self.filter(signed_on__lte=day)

    def latest_first(self):
        return self.order_by("-signed_on", "-recorded_at", "-pk")


class Consent(models.Model):
    """A consent or refusal as signed: the exact text, who signed it for whom, how, and the
    signatures. Written once."""

    class Signer(models.TextChoices):
        CLIENT = "client", _("The client")
        REPRESENTATIVE = "representative", _("A legal representative")

    class Method(models.TextChoices):
        SCREEN = "screen", _("Signed on the screen")
        PAPER = "paper", _("Signed on paper and scanned")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="consents"
    )
    text = models.ForeignKey(
        ConsentText, verbose_name=_("text"), on_delete=models.PROTECT, related_name="consents"
    )
    # The text's kind, kept on the record so that the decision is one indexed query.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    shown_text = models.TextField(_("text as signed"))
    shown_text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    massage_type = models.CharField(
        _("massage type"), max_length=10, choices=MassageType.choices, blank=True
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("therapist"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_by = models.CharField(_("signed by"), max_length=20, choices=Signer.choices)
    representative_name = models.CharField(_("representative"), max_length=200, blank=True)
    representative_relationship = models.CharField(
        _("relationship to the client"), max_length=100, blank=True
    )
    method = models.CharField(_("how it was signed"), max_length=10, choices=Method.choices)
    # Stored under random names: a path never carries the client's name.
    signature = models.FileField(_("signature"), upload_to="consent-signatures/", blank=True)
    countersignature = models.FileField(
        _("countersignature"), upload_to="consent-signatures/", blank=True
    )
    scan = models.FileField(_("scan of the signed paper"), upload_to="consent-scans/", blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("signed on"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    device_address = models.GenericIPAddressField(_("device address"), null=True, blank=True)
    record_sha256 = models.CharField(_("SHA-256 of the record"), max_length=64, editable=False)
    # The one-time token of the signing page: the same page sent twice (a double tap, an
    # answer lost on the way) keeps one consent.
    form_token = models.UUIDField(null=True, unique=True, editable=False)

    # Only ever one entry, when it was signed: the back office shows who recorded it.
    history = HistoricalRecords()
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["client", "kind", "signed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_by="client") | ~Q(representative_name=""),
                name="consent_representative_named",
                violation_error_message=_("Name the representative who signs."),
            ),
            models.CheckConstraint(
                condition=Q(kind="personal_data") | ~Q(massage_type=""),
                name="consent_names_the_massage",
                violation_error_message=_("Choose the massage the client consents to."),
            ),
            models.CheckConstraint(
                condition=Q(method="paper", scan__gt="")
                | Q(method="screen", signature__gt="", countersignature__gt=""),
                name="consent_signed",
                violation_error_message=_(
                    "A consent is signed on the screen by both, or on paper with its scan."
                ),
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s of %(date)s") % {
            "kind": self.get_kind_display(),
            "date": date_format(self.signed_on, "SHORT_DATE_FORMAT"),
        }

    def save(self, *args, **kwargs):
        # A guard, not a rule of the workflow: whatever path tries, a signed record stays.
        if not self._state.adding:
            raise Unchangeable(f"Consent {self.pk} is signed and never changes.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("consent:detail", args=[self.client_id, self.pk])

    def delete(self, *args, **kwargs):
        raise Unchangeable(f"Consent {self.pk} is signed and never deleted.")

    @property
    def client_pk(self):  # whose record it is, for the back office's access log
        return self.client_id

    def fingerprint(self):
        """The SHA-256 of everything the record says, its signatures' and scan's bytes
        included: printed on the client's copy, and checked again when the record is read."""
        record = {
            "client": self.client.record_number,
            "text": [self.text.kind, self.text.language, self.text.version],
            "kind": self.kind,
            "shown_text_sha256": self.shown_text_sha256,
            "massage_type": self.massage_type,
            "therapist": self.therapist_id,
            "signed_by": self.signed_by,
            "representative": [self.representative_name, self.representative_relationship],
            "method": self.method,
            "files": [file_sha256(f) for f in (self.signature, self.countersignature, self.scan)],
            "countersigned_by": self.countersigned_by_id,
            "signed_on": self.signed_on.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "device_address": self.device_address,
        }
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def intact(self):
        """Whether the stored record and files still hash to what was recorded at signing."""
        if hashlib.sha256(self.shown_text.encode()).hexdigest() != self.shown_text_sha256:
            return False
        try:
            return self.fingerprint() == self.record_sha256
        except OSError:  # a file missing or unreadable in storage
            return False

    @property
    def withdrawn(self):
        return getattr(self, "withdrawal", None)

    # Set by whoever loads a client's consents together (consent.kinds): the day a later
    # consent or refusal of treatment took this one's place.
    superseded_on = None

    def status_on(self, day):
        """active, rejected (a refusal) or inactive (withdrawn, or replaced by a later consent
        or refusal, by `day`): FHIR's words."""
        if self.kind == Kind.REFUSAL:
            return "rejected"
        withdrawal = self.withdrawn
        if withdrawal is not None and withdrawal.withdrawn_on <= day:
            return "inactive"
        if self.superseded_on is not None and self.superseded_on <= day:
            return "inactive"
        return "active"

    @property
    def can_be_withdrawn(self):
        return self.kind != Kind.REFUSAL and self.withdrawn is None

    @property
    def signer_name(self):
        if self.signed_by == self.Signer.REPRESENTATIVE:
            return gettext("%(name)s (%(relationship)s)") % {
                "name": self.representative_name,
                "relationship": self.representative_relationship,
            }
        return self.client.full_name


def file_sha256(field_file):
    if not field_file:
        return None
    digest = hashlib.sha256()
    with field_file.storage.open(field_file.name, "rb") as stored:
        for chunk in iter(lambda: stored.read(64 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class WithdrawalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Unchangeable("Withdrawals are never updated.")

    def delete(self):
        raise Unchangeable("Withdrawals are never deleted.")


class Withdrawal(models.Model):
    """The client (or their representative) took a consent back: who, when and why."""

    consent = models.OneToOneField(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_on = models.DateField(_("withdrawn on"))
    withdrawn_by = models.CharField(
        pgettext_lazy("person", "withdrawn by"),
        max_length=200,
        help_text=_("The client, or the representative who withdrew it."),
    )
    reason = models.TextField(_("reason"), help_text=_("As the client gave it."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        verbose_name = _("withdrawal of consent")
        verbose_name_plural = _("withdrawals of consent")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="consent_withdrawal_reason_given",
                violation_error_message=_("Write the reason the client gave."),
            )
        ]

    def __str__(self):
        return gettext("Withdrawn on %(date)s") % {
            "date": date_format(self.withdrawn_on, "SHORT_DATE_FORMAT")
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Unchangeable(f"Withdrawal {self.pk} is recorded and never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Unchangeable(f"Withdrawal {self.pk} is recorded and never deleted.")
