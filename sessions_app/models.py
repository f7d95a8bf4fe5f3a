"""The clinic's technique (techniques, zones, plan templates) and its use: courses and sessions."""

import datetime
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import roles
from clinic.lib.catalogues import CatalogueHistory
from clinic.lib.massage import MassageType
from clinic.models import Client, ReferralNote, Versioned

REPETITIONS = (2, 3)  # each technique is repeated 2–3 times (domain.md)
PAIN_SCALE = (0, 10)
MAX_PLANNING_AHEAD = datetime.timedelta(days=365)
# Sane bounds of each stage, in seconds: (shortest, longest, default).
STAGE_SECONDS = {
    1: (30, 900, 180),  # introductory: about 3 minutes
    2: (60, 3600, 1200),  # main: about 20 minutes
    3: (30, 1200, 300),  # final: a few minutes
}


class Stage(models.IntegerChoices):
    """The three stages of a session, in the order they are performed."""

    INTRODUCTORY = 1, pgettext_lazy("stage of a session", "Introductory")
    MAIN = 2, pgettext_lazy("stage of a session", "Main")
    FINAL = 3, pgettext_lazy("stage of a session", "Final")


class Intensity(models.IntegerChoices):
    """How deep a step works; ordered, so that "one level deeper" can be counted."""

    LIGHT = 1, pgettext_lazy("intensity", "Light")
    MODERATE = 2, pgettext_lazy("intensity", "Moderate")
    DEEP = 3, pgettext_lazy("intensity", "Deep")


class CatalogueQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


# What no setting may weaken (domain.md): which techniques open and close a session, and which
# zones allow light work only, are rules of the code, kept by database constraints too. A
# clinic adds techniques (relaxing or not, said once, when it adds them) and zones of its own.
OPENING_TECHNIQUES = ("gluteal_stretch", "stroking")
RELAXING_TECHNIQUES = ("stroking", "shaking")
NEVER_RELAXING_TECHNIQUES = ("kneading", "rubbing", "vibration", "push_ups", "fist_crest_stretch")
LIGHT_ONLY_ZONES = ("kidney_area", "heart_projection")
RULE_TECHNIQUES = {*OPENING_TECHNIQUES, *RELAXING_TECHNIQUES, *NEVER_RELAXING_TECHNIQUES}


class Technique(models.Model):
    """A massage movement: the four basic ones, the lumbar moves, and those of cupping and
    acupressure. Clinic admins describe, add and retire them."""

    class Category(models.TextChoices):
        BASIC = "basic", _("Basic movement")
        LUMBAR = "lumbar", _("Lumbar move")
        VACUUM = "vacuum", _("Cupping")
        SPOT = "spot", _("Acupressure")

    code = models.SlugField(pgettext_lazy("catalogue", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("catalogue", "name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    is_relaxing = models.BooleanField(
        _("relaxing"),
        default=False,
        help_text=_(
            "May close a session (final stage). Said when the technique is added, and "
            "fixed from then on."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = CatalogueHistory("name", "description")
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_relaxing=True) | ~Q(code__in=RELAXING_TECHNIQUES),
                name="sessions_app_technique_stroking_shaking_relax",
                violation_error_message=_("Stroking and shaking are always relaxing."),
            ),
            models.CheckConstraint(
                condition=Q(is_relaxing=False) | ~Q(code__in=NEVER_RELAXING_TECHNIQUES),
                name="sessions_app_technique_never_relaxing",
                violation_error_message=_(
                    "Kneading, rubbing, vibration, push-ups and fist-crest stretching are "
                    "never relaxing."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_named_in_rules(self):
        """One of the techniques the rules name: its name is what therapists choose by."""
        return self.code in RULE_TECHNIQUES

    def clean(self):
        if not self.pk:
            return
        stored = type(self).objects.get(pk=self.pk)
        if self.is_relaxing != stored.is_relaxing:
            raise ValidationError(
                {
                    "is_relaxing": ValidationError(
                        gettext("Whether a technique relaxes is fixed once it is added."),
                        code="relaxing_fixed",
                    )
                }
            )
        if self.is_named_in_rules and self.name != stored.name:
            raise ValidationError(
                {
                    "name": ValidationError(
                        gettext("The techniques the clinic's rules name keep their names."),
                        code="rule_technique_renamed",
                    )
                }
            )

    @property
    def opens_session(self):
        """Only the gluteal stretch and stroking open a session: a rule, not data."""
        return self.code in OPENING_TECHNIQUES


class Zone(models.Model):
    """A body zone worked in a step, with the deepest work it allows."""

    code = models.SlugField(pgettext_lazy("catalogue", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("catalogue", "name"), max_length=100, unique=True)
    max_intensity = models.PositiveSmallIntegerField(
        _("deepest intensity allowed"), choices=Intensity.choices, default=Intensity.DEEP
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = CatalogueHistory("name")
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_intensity=Intensity.LIGHT) | ~Q(code__in=LIGHT_ONLY_ZONES),
                name="sessions_app_zone_kidney_heart_light",
                violation_error_message=_(
                    "The kidney area and the heart projection allow light work only."
                ),
            ),
            # Retired, they would leave the session form, and work over them would be logged
            # under another zone's name.
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(code__in=LIGHT_ONLY_ZONES),
                name="sessions_app_zone_kidney_heart_in_use",
                violation_error_message=_("The kidney area and the heart projection stay in use."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.is_light_only and self.name != type(self).objects.get(pk=self.pk).name:
            raise ValidationError(
                {
                    "name": ValidationError(
                        gettext("The kidney area and the heart projection keep their names."),
                        code="light_only_zone_renamed",
                    )
                }
            )

    @property
    def is_light_only(self):
        return self.code in LIGHT_ONLY_ZONES

    @property
    def deepest(self):
        """The deepest work the zone allows; the light-only zones by the code's own rule."""
        return Intensity.LIGHT if self.is_light_only else self.max_intensity


# What every step says, planned or performed, and what a plan hands on to a session.
STEP_FIELDS = ("stage", "technique", "zone", "repetitions", "intensity")


class Step(models.Model):
    """What every step says, planned or performed: stage, technique, zone, how often, how deep."""

    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order within the stage.")
    )
    technique = models.ForeignKey(
        Technique, on_delete=models.PROTECT, related_name="+", verbose_name=_("technique")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone")
    )
    repetitions = models.PositiveSmallIntegerField(_("repetitions"), default=REPETITIONS[0])
    intensity = models.PositiveSmallIntegerField(
        _("intensity"), choices=Intensity.choices, default=Intensity.LIGHT
    )

    class Meta:
        abstract = True
        ordering = ["stage", "position", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return gettext(
            "%(stage)s: %(technique)s over the %(zone)s, %(intensity)s, ×%(repetitions)s"
        ) % {
            "stage": self.get_stage_display(),
            "technique": self.technique,
            "zone": self.zone,
            "intensity": self.get_intensity_display().lower(),
            "repetitions": self.repetitions,
        }

    def fields(self):
        """What the step says (STEP_FIELDS), to hand on to another step: plan to session."""
        return {name: getattr(self, name) for name in STEP_FIELDS}

    @classmethod
    def constraints_for(cls, name):
        """The database's own guard on every step table (the service gives the message)."""
        return [
            models.CheckConstraint(
                condition=Q(repetitions__gte=REPETITIONS[0], repetitions__lte=REPETITIONS[1]),
                name=f"{name}_repetitions_2_3",
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name=f"{name}_stage_known"),
            models.CheckConstraint(
                condition=Q(intensity__in=Intensity.values), name=f"{name}_intensity_known"
            ),
        ]


class PlannedStep(Step):
    planned_seconds = models.PositiveIntegerField(_("planned duration (s)"), null=True, blank=True)

    class Meta(Step.Meta):
        abstract = True


class PlanTemplate(models.Model):
    """A reusable session plan: the clinic's standard schemes, edited by clinic admins."""

    name = models.CharField(pgettext_lazy("catalogue", "name"), max_length=100, unique=True)
    massage_type = models.CharField(_("massage type"), max_length=10, choices=MassageType.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = CatalogueHistory("name", "description")
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["massage_type", "name"]
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")

    def __str__(self):
        return self.name


class TemplateStep(PlannedStep):
    template = models.ForeignKey(
        PlanTemplate,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("plan template"),
    )

    history = HistoricalRecords()

    class Meta(PlannedStep.Meta):
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = Step.constraints_for("sessions_app_templatestep")


class Course(Versioned):
    """The session plan of one client: a planned series of sessions of one massage type."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("course status", "Planned")
        ACTIVE = "active", pgettext_lazy("course status", "Active")
        COMPLETED = "completed", pgettext_lazy("course status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("course status", "Cancelled")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="courses", verbose_name=_("client")
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("therapist"),
    )
    massage_type = models.CharField(_("massage type"), max_length=10, choices=MassageType.choices)
    referral = models.ForeignKey(
        ReferralNote,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("referral note"),
        help_text=_("The specialist's clearance the course rests on."),
    )
    template = models.ForeignKey(
        PlanTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("plan template"),
        help_text=_("The scheme the plan was copied from."),
    )
    goal = models.TextField(
        _("goal"), help_text=_("What the course should achieve for this client.")
    )
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned number of sessions"),
        default=10,
        help_text=_("Raise it to extend the course."),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    frequency_days = models.PositiveSmallIntegerField(
        _("every (days)"), null=True, blank=True, help_text=_("Days between sessions, e.g. 2.")
    )
    status = models.CharField(
        pgettext_lazy("course", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PLANNED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_sessions__gte=1, planned_sessions__lte=60),
                name="sessions_app_course_planned_1_60",
            ),
            models.CheckConstraint(
                condition=Q(frequency_days__isnull=True)
                | Q(frequency_days__gte=1, frequency_days__lte=30),
                name="sessions_app_course_frequency_1_30",
            ),
        ]
        # The start page lists the open courses (the clinic's, or a therapist's), most recent
        # first.
        indexes = [
            models.Index(fields=["status", "-start_date"], name="course_open_recent"),
            models.Index(
                fields=["therapist", "status", "-start_date"], name="course_therapist_open"
            ),
        ]

    def __str__(self):
        return gettext("%(massage_type)s course from %(date)s") % {
            "massage_type": self.get_massage_type_display(),
            "date": date_format(self.start_date, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("sessions_app:course_detail", args=[self.client_id, self.pk])

    @property
    def is_closed(self):
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)

    def clean(self):
        errors = {}
        if self.referral_id and self.client_id and self.referral.client_id != self.client_id:
            errors["referral"] = gettext("Choose a referral note of this client.")
        elif self.referral_id and not self.referral.clears:
            errors["referral"] = ValidationError(
                gettext(
                    "This referral note does not clear manual therapy; a course must rest on "
                    "one that does."
                ),
                code="referral_not_clearing",
            )
        if self.start_date and self.referral_id and self.start_date < self.referral.consult_date:
            errors["start_date"] = ValidationError(
                gettext("The course cannot start before the specialist's consult of %(consult)s."),
                code="before_referral",
                params={"consult": date_format(self.referral.consult_date, "SHORT_DATE_FORMAT")},
            )
        elif self.start_date and self.start_date > timezone.localdate() + MAX_PLANNING_AHEAD:
            errors["start_date"] = ValidationError(
                gettext("Plan a course to start within a year."), code="too_far_ahead"
            )
        if not 1 <= (self.planned_sessions or 0) <= 60:
            errors["planned_sessions"] = gettext("Plan from 1 to 60 sessions.")
        elif self.pk and self.planned_sessions < (logged := self.sessions.counted().count()):
            errors["planned_sessions"] = ValidationError(
                ngettext(
                    "%(logged)s session is already logged; plan at least as many.",
                    "%(logged)s sessions are already logged; plan at least as many.",
                    logged,
                ),
                code="fewer_than_logged",
                params={"logged": logged},
            )
        if self.frequency_days is not None and not 1 <= self.frequency_days <= 30:
            errors["frequency_days"] = gettext("Enter a number of days from 1 to 30.")
        if errors:
            raise ValidationError(errors)

    def planned_dates(self):
        """The date of each planned session, from the start date and the frequency."""
        every = datetime.timedelta(days=self.frequency_days or 1)
        return [self.start_date + every * i for i in range(self.planned_sessions)]


class CourseStep(PlannedStep):
    """A step of one client's plan: copied from a template, then adjusted for the client."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="steps", verbose_name=_("course")
    )

    history = HistoricalRecords()

    class Meta(PlannedStep.Meta):
        verbose_name = _("course step")
        verbose_name_plural = _("course steps")
        constraints = Step.constraints_for("sessions_app_coursestep")


class PlannedSession(models.Model):
    """The planned date of one session of a course (generated in one action)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="planned", verbose_name=_("course")
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("session", "number"))
    planned_on = models.DateField(_("planned on"))

    class Meta:
        ordering = ["course", "number"]
        verbose_name = _("planned session")
        verbose_name_plural = _("planned sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="sessions_app_plannedsession_once"
            )
        ]
        # The start page's week of planned visits.
        indexes = [models.Index(fields=["planned_on"], name="planned_session_day")]

    def __str__(self):
        return gettext("Session %(number)s on %(date)s") % {
            "number": self.number,
            "date": date_format(self.planned_on, "SHORT_DATE_FORMAT"),
        }


class SessionQuerySet(models.QuerySet):
    def counted(self):
        """Sessions that count toward their course: every one but the voided."""
        return self.filter(voided_at__isnull=True)

    def with_steps(self):
        """With their client, therapist and steps read in four queries, whatever their number."""
        return self.select_related("course__client", "therapist").prefetch_related(
            models.Prefetch("steps", SessionStep.objects.select_related("technique", "zone"))
        )


class Session(Versioned):
    """One procedure as performed. A clinical record: signed, then locked; amended by addenda;
    voided with a reason; never deleted."""

    class State(models.TextChoices):
        """Where the record is in its life: a draft is corrected directly, a signed session
        only by addenda, a voided one stays visible and stops counting."""

        DRAFT = "draft", pgettext_lazy("session state", "Draft")
        SIGNED = "signed", pgettext_lazy("session state", "Signed")
        VOIDED = "voided", pgettext_lazy("session state", "Voided")

    class Tolerance(models.TextChoices):
        WELL = "well", pgettext_lazy("tolerance", "Well")
        DISCOMFORT = "discomfort", pgettext_lazy("tolerance", "Discomfort")
        STOPPED_EARLY = "stopped_early", pgettext_lazy("tolerance", "Stopped early")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("session", "number"), editable=False)
    performed_at = models.DateTimeField(_("performed at"))
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("therapist"),
    )
    introductory_seconds = models.PositiveIntegerField(
        _("introductory stage (s)"), default=STAGE_SECONDS[1][2]
    )
    main_seconds = models.PositiveIntegerField(_("main stage (s)"), default=STAGE_SECONDS[2][2])
    final_seconds = models.PositiveIntegerField(_("final stage (s)"), default=STAGE_SECONDS[3][2])
    pain_before = models.PositiveSmallIntegerField(_("pain before (0–10)"))
    pain_after = models.PositiveSmallIntegerField(_("pain after (0–10)"))
    tolerance = models.CharField(_("tolerance"), max_length=15, choices=Tolerance.choices)
    notes = models.TextField(_("notes"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("signed by"),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("void reason"), blank=True, editable=False)
    # The one-time token of the form the session was logged from: the same form sent again
    # (its answer lost on the way) finds this session instead of logging a second.
    form_token = models.UUIDField(
        _("form token"), null=True, blank=True, unique=True, editable=False
    )
    # The course's plan when the session was logged, which the session is compared with in
    # the history (lib.plan_check): a later change of plan does not make it look different.
    # One [stage, technique id, zone id, repetitions, intensity] per step; empty for sessions
    # logged before it was kept, which are compared with the plan as it is.
    planned_steps = models.JSONField(_("plan when logged"), default=list, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["course", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        permissions = [("sign_session", "Can sign and void sessions")]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="sessions_app_session_number_once"
            ),
            models.CheckConstraint(
                condition=Q(pain_before__gte=PAIN_SCALE[0], pain_before__lte=PAIN_SCALE[1])
                & Q(pain_after__gte=PAIN_SCALE[0], pain_after__lte=PAIN_SCALE[1]),
                name="sessions_app_session_pain_0_10",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                    name=f"sessions_app_session_{field}_bounds",
                )
                for field, (low, high, _) in zip(
                    ["introductory_seconds", "main_seconds", "final_seconds"],
                    STAGE_SECONDS.values(),
                    strict=True,
                )
            ],
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="sessions_app_session_void_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["performed_at"]),
            # A therapist's sessions of the day, on their start page.
            models.Index(fields=["therapist", "performed_at"], name="session_therapist_day"),
        ]

    def __str__(self):
        return gettext("Session %(number)s of %(date)s") % {
            "number": self.number,
            "date": date_format(timezone.localtime(self.performed_at), "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("sessions_app:session_detail", args=[self.course.client_id, self.pk])

    @property
    def state(self):
        if self.voided_at is not None:
            return self.State.VOIDED
        return self.State.SIGNED if self.signed_at is not None else self.State.DRAFT

    @property
    def is_signed(self):
        return self.signed_at is not None

    @property
    def is_voided(self):
        return self.voided_at is not None

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def client_pk(self):
        return self.course.client_id

    def answers_to(self, user):
        """Whether `user` may sign or void the session: the therapist who performed it, or a
        clinic admin (domain.md, "Who may correct what")."""
        return user == self.therapist or roles.is_clinic_admin(user)

    @property
    def performed_on(self):
        return timezone.localdate(self.performed_at)

    def deepest_intensity(self):
        """The deepest step of the session (reads prefetched steps)."""
        return max((step.intensity for step in self.steps.all()), default=Intensity.LIGHT)

    def steps_summary(self):
        """The steps in one line, stage by stage (reads prefetched steps):
        "Introductory: stroking (lumbosacral region, light), …; Main: …". Built here rather than
        in a template loop, which made a timeline page of long sessions several times slower."""
        stage_part = gettext("%(stage)s: %(steps)s")
        step_part = gettext("%(technique)s (%(zone)s, %(intensity)s)")
        return "; ".join(
            stage_part
            % {
                "stage": Stage(stage).label,
                "steps": ", ".join(
                    step_part
                    % {
                        "technique": step.technique.name.lower(),
                        "zone": step.zone.name.lower(),
                        "intensity": step.get_intensity_display().lower(),
                    }
                    for step in steps
                ),
            }
            for stage, steps in groupby(self.steps.all(), key=lambda step: step.stage)
        )


class SessionStep(Step):
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="steps", verbose_name=_("session")
    )

    history = HistoricalRecords()

    class Meta(Step.Meta):
        verbose_name = _("session step")
        verbose_name_plural = _("session steps")
        constraints = Step.constraints_for("sessions_app_sessionstep")


class Addendum(models.Model):
    """A correction or later note on a signed session; the session itself stays as it was."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="addenda", verbose_name=_("session")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")

    def __str__(self):
        return gettext("Addendum of %(moment)s") % {
            "moment": date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        }
