"""When a course's questionnaires are due (a plan template's measure points), and the
questionnaires clients filled in (responses), scored by outcomes.instruments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.models import Client
from outcomes.instruments import shipped
from outcomes.scoring import band_label
from sessions_app.models import Course, PlanTemplate


def instrument_choices():
    """The instruments, named in the language of the page (read each time they are shown)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return [
        (code, instrument.names.get(language[:2], instrument.names["en"]))
        for code, instrument in shipped().items()
    ]


class When(models.TextChoices):
    BASELINE = "baseline", _("Baseline, before the first session")
    AFTER_SESSION = "after_session", _("After session N")
    DISCHARGE = "discharge", _("Discharge, after the last session")
    FOLLOW_UP = "follow_up", _("Follow-up, N days after the last session")


ONCE = _("This questionnaire is due at this point already.")


class MeasurePoint(models.Model):
    """An instrument a plan template (and so each course planned from it) has taken at a
    point of the course."""

    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("plan template"),
        on_delete=models.CASCADE,
        related_name="measure_points",
    )
    instrument = models.CharField(_("questionnaire"), max_length=20, choices=instrument_choices)
    when = models.CharField(_("when"), max_length=20, choices=When.choices)
    session_number = models.PositiveSmallIntegerField(
        _("after session"), null=True, blank=True, help_text=_("For “after session N” only.")
    )
    days_after = models.PositiveSmallIntegerField(
        _("days after the last session"),
        null=True,
        blank=True,
        help_text=_("For a follow-up only."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "instrument", "when", "session_number", "days_after"]
        verbose_name = _("questionnaire due")
        verbose_name_plural = _("questionnaires due")
        constraints = [
            models.CheckConstraint(
                condition=~Q(when="after_session")
                | Q(session_number__isnull=False, session_number__gte=1),
                name="outcomes_measurepoint_session_number_given",
                violation_error_message=_("Say after which session (1 or later)."),
            ),
            models.CheckConstraint(
                condition=~Q(when="follow_up") | Q(days_after__isnull=False, days_after__gte=1),
                name="outcomes_measurepoint_days_after_given",
                violation_error_message=_("Say how many days after the last session (1 or more)."),
            ),
            models.CheckConstraint(
                condition=Q(when="after_session") | Q(session_number__isnull=True),
                name="outcomes_measurepoint_session_number_only_after_session",
                violation_error_message=_("A session number belongs to “after session N” only."),
            ),
            models.CheckConstraint(
                condition=Q(when="follow_up") | Q(days_after__isnull=True),
                name="outcomes_measurepoint_days_only_for_follow_up",
                violation_error_message=_(
                    "Days after the last session belong to a follow-up only."
                ),
            ),
            # Each point once per instrument (partial indexes: SQLite has no NULLS NOT
            # DISTINCT, and the empty number of a baseline must not slip past).
            models.UniqueConstraint(
                fields=["template", "instrument", "when"],
                condition=Q(when__in=["baseline", "discharge"]),
                name="outcomes_measurepoint_once",
                violation_error_message=ONCE,
            ),
            models.UniqueConstraint(
                fields=["template", "instrument", "session_number"],
                condition=Q(when="after_session"),
                name="outcomes_measurepoint_once_after_session",
                violation_error_message=ONCE,
            ),
            models.UniqueConstraint(
                fields=["template", "instrument", "days_after"],
                condition=Q(when="follow_up"),
                name="outcomes_measurepoint_once_follow_up",
                violation_error_message=ONCE,
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()}: {self.describe()}"

    def describe(self):
        if self.when == When.AFTER_SESSION:
            return gettext("after session %(number)s") % {"number": self.session_number}
        if self.when == When.FOLLOW_UP:
            return gettext("%(days)s days after the last session") % {"days": self.days_after}
        return str(self.get_when_display())


class Unchanged(Exception):
    """A questionnaire as given was about to be changed."""


class KeptAsGiven(models.QuerySet):
    def update(self, **kwargs):
        raise Unchanged("Kept as it was given.")

    def delete(self):
        raise Unchanged("Kept as it was given.")


class ResponseQuerySet(KeptAsGiven):
    def current(self):
        """Responses no correction has replaced: the ones that count."""
        return self.filter(replaced_by__isnull=True)


class Response(models.Model):
    """A questionnaire as the client filled it in, on the tablet or on paper, with its score.
    Kept as given: a correction is an addendum, never an edit."""

    class How(models.TextChoices):
        TABLET = "tablet", _("On the tablet")
        PAPER = "paper", _("On paper, entered by staff")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="responses"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="responses"
    )
    instrument = models.CharField(_("questionnaire"), max_length=20, choices=instrument_choices)
    when = models.CharField(_("when"), max_length=20, choices=When.choices)
    session_number = models.PositiveSmallIntegerField(_("after session"), null=True, blank=True)
    days_after = models.PositiveSmallIntegerField(
        _("days after the last session"), null=True, blank=True
    )
    answers = models.JSONField(_("answers"))
    # PSFS: the activities the client named, by item id.
    activities = models.JSONField(_("activities named"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("band"), max_length=20, blank=True)
    subscore = models.PositiveSmallIntegerField(_("subscore"), null=True, blank=True)
    taken_on = models.DateField(_("taken on"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # A correction is a new response that replaces the one it corrects, with the reason; the
    # replaced one stays as it was given.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    history = HistoricalRecords()
    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-recorded_at", "-pk"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        indexes = [models.Index(fields=["course", "instrument", "when"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(correction_reason=""),
                name="outcomes_response_correction_has_reason",
                violation_error_message=_("Say why the questionnaire is corrected."),
            )
        ]

    def __str__(self):
        return f"{self.get_instrument_display()}, {date_format(self.taken_on, 'SHORT_DATE_FORMAT')}"

    def save(self, *args, **kwargs):
        # Locked once taken, as a signed record is: a correction is a new response.
        if not self._state.adding:
            raise Unchanged(f"Response {self.pk} is kept as it was given.")
        # Inserted, never written over an existing row that shares its primary key.
        super().save(*args, **{**kwargs, "force_insert": True})

    def get_absolute_url(self):
        return reverse("outcomes:response", args=[self.client_id, self.pk])

    def delete(self, *args, **kwargs):
        raise Unchanged(f"Response {self.pk} is kept as it was given.")

    @property
    def is_replaced(self):
        """Whether a correction replaced it (read with select_related("replaced_by"))."""
        return hasattr(self, "replaced_by")

    @property
    def band_label(self):
        """The band's or risk group's name in the active language ("" for none)."""
        return str(band_label(self.band)) if self.band else ""

    @property
    def unit(self):
        return shipped()[self.instrument].unit

    @property
    def score_words(self):
        """The score with its unit in the active language: "32%", "12 points", "6.3 points"."""
        if self.score is None:
            return ""
        number = floatformat(self.score, -1)  # localised: 35,6 in Russian
        if self.unit == "%":
            return gettext("%(score)s%%") % {"score": number}
        if self.score == int(self.score):
            return ngettext("%(score)s point", "%(score)s points", int(self.score)) % {
                "score": number
            }
        # A fraction takes a form of its own in Russian ("6,3 балла"), not one of the counts'.
        return pgettext("a fractional score", "%(score)s points") % {"score": number}

    @property
    def when_words(self):
        """The measure point it answers, in the active language."""
        if self.when == When.AFTER_SESSION and self.session_number:
            return gettext("after session %(number)s") % {"number": self.session_number}
        if self.when == When.FOLLOW_UP and self.days_after:
            return ngettext(
                "%(days)s day after the last session",
                "%(days)s days after the last session",
                self.days_after,
            ) % {"days": self.days_after}
        return str(self.get_when_display())

    @property
    def point(self):
        """Which measure point it answers: (instrument, when, session number, days after)."""
        return (self.instrument, self.when, self.session_number, self.days_after)

    @property
    def client_pk(self):  # whose record it is, for the back office's access log
        return self.client_id


class SkippedMeasure(models.Model):
    """A questionnaire due on a course that was not taken, and why (the baseline where the
    clinic lets it be skipped: CLINIC_BASELINE_MAY_BE_SKIPPED). Kept as given."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="skipped_measures"
    )
    instrument = models.CharField(_("questionnaire"), max_length=20, choices=instrument_choices)
    when = models.CharField(_("when"), max_length=20, choices=When.choices)
    session_number = models.PositiveSmallIntegerField(_("after session"), null=True, blank=True)
    days_after = models.PositiveSmallIntegerField(
        _("days after the last session"), null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skipped by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    skipped_at = models.DateTimeField(_("skipped at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = KeptAsGiven.as_manager()

    class Meta:
        ordering = ["skipped_at"]
        verbose_name = _("questionnaire skipped")
        verbose_name_plural = _("questionnaires skipped")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="outcomes_skippedmeasure_has_reason",
                violation_error_message=_("Say why the questionnaire is not taken."),
            )
        ]

    def __str__(self):
        return f"{self.get_instrument_display()}: {self.reason}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Unchanged(f"Skipped measure {self.pk} is kept as it was given.")
        super().save(*args, **{**kwargs, "force_insert": True})

    def delete(self, *args, **kwargs):
        raise Unchanged(f"Skipped measure {self.pk} is kept as it was given.")

    @property
    def point(self):
        return (self.instrument, self.when, self.session_number, self.days_after)


class InstrumentText(models.Model):
    """The wording of a questionnaire the product ships without it, in one language, loaded
    by a clinic admin from the licensed file the clinic holds (manage.py
    load_questionnaire_texts). Loading it again replaces it; its history keeps the old one."""

    instrument = models.CharField(_("questionnaire"), max_length=20, choices=instrument_choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    texts = models.JSONField(_("texts"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "language"]
        verbose_name = _("questionnaire wording")
        verbose_name_plural = _("questionnaire wordings")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "language"], name="outcomes_instrumenttext_once"
            )
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} ({self.language})"
