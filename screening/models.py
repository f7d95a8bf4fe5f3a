import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.lib.catalogues import CatalogueHistory
from clinic.models import Client, Versioned

SYSTOLIC_RANGE = (60, 280)
DIASTOLIC_RANGE = (30, 180)


# The ten contraindications of domain.md: always asked, never retired or renamed. A clinic adds
# items of its own, and retires only those.
CORE_CONTRAINDICATIONS = (
    "purulent",
    "infection",
    "coagulation",
    "hypertension",
    "tuberculosis",
    "acute_inflammation",
    "injury_bleeding",
    "osteomyelitis",
    "tumour",
    "mental_disorder",
)


class ContraindicationQuerySet(models.QuerySet):
    def active(self):
        """The items every screening asks: the ten, and those the clinic added and keeps."""
        return self.filter(Q(is_active=True) | Q(code__in=CORE_CONTRAINDICATIONS))

    def hypertension(self):
        return self.get(code=Contraindication.HYPERTENSION)


class Contraindication(models.Model):
    """One item of the screening checklist. Clinic admins extend, reorder and retire items."""

    # The item a high blood pressure reading answers on its own (domain.md, item 4).
    HYPERTENSION = "hypertension"

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable name used by the code.")
    )
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What to ask or look for.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order on the form.")
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retired items are no longer asked; old screenings keep their answers."),
    )

    history = CatalogueHistory("name", "description")
    objects = ContraindicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("contraindication")
        verbose_name_plural = _("contraindications")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(code__in=CORE_CONTRAINDICATIONS),
                name="screening_contraindication_ten_always_asked",
                violation_error_message=_("The ten contraindications are always asked."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_core(self):
        return self.code in CORE_CONTRAINDICATIONS

    def clean(self):
        if not self.is_core:
            return
        if not self.is_active:
            raise ValidationError(
                {
                    "is_active": ValidationError(
                        _(
                            "%(name)s is one of the ten contraindications every screening asks; "
                            "it cannot be retired."
                        ),
                        code="core_retired",
                        params={"name": self.name},
                    )
                }
            )
        if self.pk and self.name != type(self).objects.get(pk=self.pk).name:
            raise ValidationError(
                {
                    "name": ValidationError(
                        _("The ten contraindications keep their names."), code="core_renamed"
                    )
                }
            )


class ScreeningQuerySet(models.QuerySet):
    def on_or_before(self, day):
        return self.filter(screened_on__lte=day)

    def latest_first(self):
        return self.order_by("-screened_on", "-created_at", "-pk")

    def with_answers(self):
        return self.select_related("screened_by").prefetch_related(
            models.Prefetch("answers", Answer.objects.select_related("contraindication"))
        )


@dataclass
class Outcome:
    """What a screening found, derived from its answers and blood pressure."""

    present: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    # Any of the ten the screening has no answer to (it cannot clear the client).
    not_asked: list = field(default_factory=list)
    # True when the blood pressure alone made hypertension present.
    hypertension_by_pressure: bool = False

    @property
    def is_clear(self):
        return not self.present and not self.unknown and not self.not_asked


class Screening(Versioned):
    """A contraindication check of one client on one day."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("client")
    )
    screened_on = models.DateField(_("screened on"), default=timezone.localdate)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("screened by"),
    )
    systolic = models.PositiveSmallIntegerField(
        _("systolic pressure"), null=True, blank=True, help_text=_("mm Hg")
    )
    diastolic = models.PositiveSmallIntegerField(
        _("diastolic pressure"), null=True, blank=True, help_text=_("mm Hg")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_on", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(systolic__isnull=True, diastolic__isnull=True)
                | Q(
                    systolic__gte=SYSTOLIC_RANGE[0],
                    systolic__lte=SYSTOLIC_RANGE[1],
                    diastolic__gte=DIASTOLIC_RANGE[0],
                    diastolic__lte=DIASTOLIC_RANGE[1],
                    systolic__gt=F("diastolic"),
                ),
                name="screening_screening_plausible_pressure",
                violation_error_message=_("Enter a plausible blood pressure, or none."),
            ),
        ]
        indexes = [models.Index(fields=["client", "screened_on"])]

    def __str__(self):
        return gettext("Screening of %(date)s") % {
            "date": date_format(self.screened_on, "SHORT_DATE_FORMAT")
        }

    def get_absolute_url(self):
        return reverse("screening:detail", args=[self.client_id, self.pk])

    @property
    def valid_until(self):
        return self.screened_on + datetime.timedelta(days=settings.CLINIC_SCREENING_VALID_DAYS)

    @property
    def pressure_is_high(self):
        if self.systolic is None or self.diastolic is None:
            return False
        return (
            self.systolic >= settings.CLINIC_SYSTOLIC_LIMIT
            or self.diastolic >= settings.CLINIC_DIASTOLIC_LIMIT
        )

    def clean(self):
        errors = {}
        if self.screened_on and self.screened_on > timezone.localdate():
            errors["screened_on"] = ValidationError(
                _("The screening date is in the future; enter the day of the check."),
                code="screened_in_future",
            )
        if (self.systolic is None) != (self.diastolic is None):
            errors["diastolic" if self.diastolic is None else "systolic"] = ValidationError(
                _("Enter both readings of the blood pressure, or neither."), code="pressure_half"
            )
        elif self.systolic is not None:
            for name, value, (low, high) in [
                ("systolic", self.systolic, SYSTOLIC_RANGE),
                ("diastolic", self.diastolic, DIASTOLIC_RANGE),
            ]:
                if not low <= value <= high:
                    errors[name] = ValidationError(
                        _(
                            "%(value)s mm Hg is not a plausible reading; enter a value from "
                            "%(low)s to %(high)s."
                        ),
                        code="pressure_implausible",
                        params={"value": value, "low": low, "high": high},
                    )
            if not errors and self.systolic <= self.diastolic:
                errors["systolic"] = ValidationError(
                    _(
                        "The systolic reading must be higher than the diastolic one; "
                        "check they are not swapped."
                    ),
                    code="pressure_swapped",
                )
        if errors:
            raise ValidationError(errors)

    def answer_corrections(self):
        """Each answer corrected since the screening was taken: when, by whom, which item, what
        it was and is now, and why (one query; the answers are read with the screening)."""
        names = {answer.pk: answer.contraindication.name for answer in self.answers.all()}
        labels = dict(Answer.Value.choices)
        versions = (
            Answer.history.filter(screening_id=self.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        corrections, before = [], {}
        for version in versions:
            earlier = before.get(version.id)
            if earlier is not None and earlier.value != version.value:
                corrections.append(
                    {
                        "at": version.history_date,
                        "by": version.history_user,
                        "item": names.get(version.id, ""),
                        "was": labels.get(earlier.value, earlier.value),
                        "now": labels.get(version.value, version.value),
                        "reason": version.history_change_reason or "",
                    }
                )
            before[version.id] = version
        return corrections

    def outcome(self):
        """Clear, or the items found present or left unknown; never typed in.

        A high blood pressure makes hypertension present whatever its box says. Reads the
        answers through `self.answers.all()`, so a list prefetching them costs no query.
        """
        outcome = Outcome()
        high = self.pressure_is_high
        asked_hypertension = False
        for answer in self.answers.all():
            item, value = answer.contraindication, answer.value
            if item.code == Contraindication.HYPERTENSION:
                asked_hypertension = True
                if high and value != Answer.Value.PRESENT:
                    outcome.hypertension_by_pressure = True
                    value = Answer.Value.PRESENT
            if value == Answer.Value.PRESENT:
                outcome.present.append(item)
            elif value == Answer.Value.UNKNOWN:
                outcome.unknown.append(item)
        if high and not asked_hypertension:
            # The reading decides even when the item was not on the form.
            outcome.present.append(Contraindication.objects.hypertension())
            outcome.hypertension_by_pressure = True
        answered = {answer.contraindication.code for answer in self.answers.all()}
        missing = set(CORE_CONTRAINDICATIONS) - answered
        if high:
            missing.discard(Contraindication.HYPERTENSION)  # present, by the reading
        if missing:
            # Only a screening stored past the form (or before an item joined the ten) lacks
            # one; it is read here, so a full screening costs no query.
            outcome.not_asked = list(Contraindication.objects.filter(code__in=missing))
        return outcome


class Answer(models.Model):
    """The answer to one checklist item in one screening."""

    class Value(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        UNKNOWN = "unknown", _("Unknown")

    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, related_name="answers", verbose_name=_("screening")
    )
    contraindication = models.ForeignKey(
        Contraindication,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("contraindication"),
    )
    value = models.CharField(_("answer"), max_length=10, choices=Value.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["contraindication__position", "contraindication__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "contraindication"], name="screening_answer_once_per_item"
            ),
            models.CheckConstraint(
                condition=Q(value__in=["present", "absent", "unknown"]),
                name="screening_answer_value_known",
            ),
        ]

    def __str__(self):
        return f"{self.contraindication}: {self.get_value_display()}"
