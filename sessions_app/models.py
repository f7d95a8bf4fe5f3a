"""The clinic's technique (techniques, zones, plan templates) and its use: courses and sessions."""

import datetime
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import roles
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

    INTRODUCTORY = 1, "Introductory"
    MAIN = 2, "Main"
    FINAL = 3, "Final"


class Intensity(models.IntegerChoices):
    """How deep a step works; ordered, so that "one level deeper" can be counted."""

    LIGHT = 1, "Light"
    MODERATE = 2, "Moderate"
    DEEP = 3, "Deep"


class MassageType(models.TextChoices):
    CLASSIC = "classic", "Classic"
    VACUUM = "vacuum", "Vacuum (cupping)"  # glass or ceramic cups
    SPOT = "spot", "Spot (acupressure)"


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
        BASIC = "basic", "Basic movement"
        LUMBAR = "lumbar", "Lumbar move"
        VACUUM = "vacuum", "Cupping"
        SPOT = "spot", "Acupressure"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=10, choices=Category.choices)
    description = models.TextField(blank=True)
    is_relaxing = models.BooleanField(
        "relaxing",
        default=False,
        help_text="May close a session (final stage). Said when the technique is added, and "
        "fixed from then on.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)

    history = HistoricalRecords()
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_relaxing=True) | ~Q(code__in=RELAXING_TECHNIQUES),
                name="sessions_app_technique_stroking_shaking_relax",
                violation_error_message="Stroking and shaking are always relaxing.",
            ),
            models.CheckConstraint(
                condition=Q(is_relaxing=False) | ~Q(code__in=NEVER_RELAXING_TECHNIQUES),
                name="sessions_app_technique_never_relaxing",
                violation_error_message=(
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
                        "Whether a technique relaxes is fixed once it is added.",
                        code="relaxing_fixed",
                    )
                }
            )
        if self.is_named_in_rules and self.name != stored.name:
            raise ValidationError(
                {
                    "name": ValidationError(
                        "The techniques the clinic's rules name keep their names.",
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

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    max_intensity = models.PositiveSmallIntegerField(
        "deepest intensity allowed", choices=Intensity.choices, default=Intensity.DEEP
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)

    history = HistoricalRecords()
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_intensity=Intensity.LIGHT) | ~Q(code__in=LIGHT_ONLY_ZONES),
                name="sessions_app_zone_kidney_heart_light",
                violation_error_message=(
                    "The kidney area and the heart projection allow light work only."
                ),
            ),
            # Retired, they would leave the session form, and work over them would be logged
            # under another zone's name.
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(code__in=LIGHT_ONLY_ZONES),
                name="sessions_app_zone_kidney_heart_in_use",
                violation_error_message="The kidney area and the heart projection stay in use.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.is_light_only and self.name != type(self).objects.get(pk=self.pk).name:
            raise ValidationError(
                {
                    "name": ValidationError(
                        "The kidney area and the heart projection keep their names.",
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

    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the stage.")
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    repetitions = models.PositiveSmallIntegerField(default=REPETITIONS[0])
    intensity = models.PositiveSmallIntegerField(choices=Intensity.choices, default=Intensity.LIGHT)

    class Meta:
        abstract = True
        ordering = ["stage", "position", "pk"]

    def __str__(self):
        return (
            f"{self.get_stage_display()}: {self.technique} over the {self.zone}, "
            f"{self.get_intensity_display().lower()}, ×{self.repetitions}"
        )

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
    planned_seconds = models.PositiveIntegerField("planned duration (s)", null=True, blank=True)

    class Meta(Step.Meta):
        abstract = True


class PlanTemplate(models.Model):
    """A reusable session plan: the clinic's standard schemes, edited by clinic admins."""

    name = models.CharField(max_length=100, unique=True)
    massage_type = models.CharField(max_length=10, choices=MassageType.choices)
    description = models.TextField(blank=True)
    is_active = models.BooleanField("in use", default=True)

    history = HistoricalRecords()
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["massage_type", "name"]

    def __str__(self):
        return self.name


class TemplateStep(PlannedStep):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="steps")

    history = HistoricalRecords()

    class Meta(PlannedStep.Meta):
        constraints = Step.constraints_for("sessions_app_templatestep")


class Course(Versioned):
    """The session plan of one client: a planned series of sessions of one massage type."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses"
    )
    massage_type = models.CharField(max_length=10, choices=MassageType.choices)
    referral = models.ForeignKey(
        ReferralNote,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text="The specialist's clearance the course rests on.",
    )
    template = models.ForeignKey(
        PlanTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        help_text="The scheme the plan was copied from.",
    )
    goal = models.TextField(help_text="What the course should achieve for this client.")
    planned_sessions = models.PositiveSmallIntegerField(
        "planned number of sessions",
        default=10,
        help_text="Raise it to extend the course.",
    )
    start_date = models.DateField(default=timezone.localdate)
    frequency_days = models.PositiveSmallIntegerField(
        "every (days)", null=True, blank=True, help_text="Days between sessions, e.g. 2."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
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
        # The start page lists the open courses, most recent first.
        indexes = [models.Index(fields=["status", "-start_date"], name="course_open_recent")]

    def __str__(self):
        return f"{self.get_massage_type_display()} course from {self.start_date:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("sessions_app:course_detail", args=[self.client_id, self.pk])

    @property
    def is_closed(self):
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)

    def clean(self):
        errors = {}
        if self.referral_id and self.client_id and self.referral.client_id != self.client_id:
            errors["referral"] = "Choose a referral note of this client."
        elif self.referral_id and not self.referral.clears:
            errors["referral"] = ValidationError(
                "This referral note does not clear manual therapy; a course must rest on one "
                "that does.",
                code="referral_not_clearing",
            )
        if self.start_date and self.referral_id and self.start_date < self.referral.consult_date:
            errors["start_date"] = ValidationError(
                "The course cannot start before the specialist's consult of %(consult)s.",
                code="before_referral",
                params={"consult": self.referral.consult_date.strftime("%d.%m.%Y")},
            )
        elif self.start_date and self.start_date > timezone.localdate() + MAX_PLANNING_AHEAD:
            errors["start_date"] = ValidationError(
                "Plan a course to start within a year.", code="too_far_ahead"
            )
        if not 1 <= (self.planned_sessions or 0) <= 60:
            errors["planned_sessions"] = "Plan from 1 to 60 sessions."
        elif self.pk and self.planned_sessions < (logged := self.sessions.counted().count()):
            errors["planned_sessions"] = ValidationError(
                "%(logged)s sessions are already logged; plan at least as many.",
                code="fewer_than_logged",
                params={"logged": logged},
            )
        if self.frequency_days is not None and not 1 <= self.frequency_days <= 30:
            errors["frequency_days"] = "Enter a number of days from 1 to 30."
        if errors:
            raise ValidationError(errors)

    def planned_dates(self):
        """The date of each planned session, from the start date and the frequency."""
        every = datetime.timedelta(days=self.frequency_days or 1)
        return [self.start_date + every * i for i in range(self.planned_sessions)]


class CourseStep(PlannedStep):
    """A step of one client's plan: copied from a template, then adjusted for the client."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="steps")

    history = HistoricalRecords()

    class Meta(PlannedStep.Meta):
        constraints = Step.constraints_for("sessions_app_coursestep")


class PlannedSession(models.Model):
    """The planned date of one session of a course (generated in one action)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="planned")
    number = models.PositiveSmallIntegerField()
    planned_on = models.DateField()

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="sessions_app_plannedsession_once"
            )
        ]

    def __str__(self):
        return f"Session {self.number} on {self.planned_on:%d.%m.%Y}"


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

        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        VOIDED = "voided", "Voided"

    class Tolerance(models.TextChoices):
        WELL = "well", "Well"
        DISCOMFORT = "discomfort", "Discomfort"
        STOPPED_EARLY = "stopped_early", "Stopped early"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(editable=False)
    performed_at = models.DateTimeField()
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions"
    )
    introductory_seconds = models.PositiveIntegerField(default=STAGE_SECONDS[1][2])
    main_seconds = models.PositiveIntegerField(default=STAGE_SECONDS[2][2])
    final_seconds = models.PositiveIntegerField(default=STAGE_SECONDS[3][2])
    pain_before = models.PositiveSmallIntegerField("pain before (0–10)")
    pain_after = models.PositiveSmallIntegerField("pain after (0–10)")
    tolerance = models.CharField(max_length=15, choices=Tolerance.choices)
    notes = models.TextField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    void_reason = models.TextField(blank=True, editable=False)
    # The one-time token of the form the session was logged from: the same form sent again
    # (its answer lost on the way) finds this session instead of logging a second.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["course", "number"]
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
        indexes = [models.Index(fields=["performed_at"])]

    def __str__(self):
        return f"Session {self.number} of {timezone.localtime(self.performed_at):%d.%m.%Y}"

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
        return "; ".join(
            f"{Stage(stage).label}: "
            + ", ".join(
                f"{step.technique.name.lower()} ({step.zone.name.lower()}, "
                f"{step.get_intensity_display().lower()})"
                for step in steps
            )
            for stage, steps in groupby(self.steps.all(), key=lambda step: step.stage)
        )


class SessionStep(Step):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="steps")

    history = HistoricalRecords()

    class Meta(Step.Meta):
        constraints = Step.constraints_for("sessions_app_sessionstep")


class Addendum(models.Model):
    """A correction or later note on a signed session; the session itself stays as it was."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum of {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"
