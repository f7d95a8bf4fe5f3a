"""The clinic's day: who works when, the rooms, and the appointments a course's sessions are
performed in (domain.md, "Appointments")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clinic.models import Client
from sessions_app.models import Course, Session


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


ENDS_AFTER_START = _("The end comes after the start.")


class Room(models.Model):
    """A treatment room, where the clinic has several. Retired, never deleted."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """When the clinic is open on a weekday; a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="appointments_openinghours_closes_after_opening",
                violation_error_message=ENDS_AFTER_START,
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class WorkingHours(models.Model):
    """When a therapist works on a weekday (several rows for a split day)."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("therapist"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["therapist", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="appointments_workinghours_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            )
        ]

    def __str__(self):
        return (
            f"{self.therapist}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"
        )


class Absence(models.Model):
    """A time a therapist does not see clients although their hours say so: leave, training."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TRAINING = "training", _("Training")
        SICK = "sick", _("Sick leave")
        OTHER = "other", pgettext_lazy("absence", "Other")

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("therapist"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointments_absence_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            )
        ]

    def __str__(self):
        return f"{self.therapist}: {self.get_kind_display()}"


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", pgettext_lazy("appointment", "Completed")
    CANCELLED_BY_CLIENT = "cancelled_client", _("Cancelled by the client")
    CANCELLED_BY_CLINIC = "cancelled_clinic", _("Cancelled by the clinic")
    LATE_CANCELLATION = "late_cancellation", _("Late cancellation")
    NO_SHOW = "no_show", _("No-show")


# An appointment in one of these holds its therapist and room for its time; a cancelled one
# frees them (a no-show's time has passed, but it keeps it: the slot was held).
HOLDING = [Status.BOOKED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW]
CANCELLED = [Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_CLINIC, Status.LATE_CANCELLATION]


class Appointment(models.Model):
    """A client's booked time with a therapist, in a room, usually for a session of a course.
    Never deleted: cancelled, missed or completed, it keeps its history."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="appointments"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("therapist"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    session_number = models.PositiveSmallIntegerField(_("session No."), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # The session performed in it; logging the session completes the appointment.
    session = models.OneToOneField(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
    )
    # Booked outside the hours or during an absence by a clinic admin, and why.
    override_reason = models.CharField(
        _("reason for booking outside hours"), max_length=200, blank=True
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    # When the client's reminder went out; set once, so a second run sends nothing again.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointments_appointment_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(status=Status.COMPLETED),
                name="appointments_appointment_session_completes_it",
                violation_error_message=_("An appointment with its session logged is completed."),
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.client.full_name}, {date_format(start, 'SHORT_DATETIME_FORMAT')}"

    @property
    def client_pk(self):  # whose record it is, for the back office's access log
        return self.client_id

    @property
    def may_be_rebooked(self):
        """Cancelled or missed: its session is booked again in a new appointment."""
        return self.status in [*CANCELLED, Status.NO_SHOW] and self.course_id is not None

    @property
    def has_begun(self):
        """Its time has come: only then can the client be missed (a no-show)."""
        return self.starts_at <= timezone.now()


class CalendarFeed(models.Model):
    """A therapist's own appointments as an iCalendar feed their phone subscribes to, behind
    a secret address. A new address replaces the old one, which stops working; so does
    stopping the feed."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("therapist"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(_("secret"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("stopped at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=Q(revoked_at__isnull=True),
                name="appointments_calendarfeed_one_open_per_therapist",
            )
        ]

    def __str__(self):
        return str(self.therapist)
