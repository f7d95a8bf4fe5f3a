"""Booking the clinic's day: every entry point books, moves and changes appointments through
these functions, which refuse a clash, a time outside the hours or during an absence (unless a
clinic admin overrides it, saying why), and a change of status the appointment cannot make."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from appointments.models import (
    CANCELLED,
    HOLDING,
    Absence,
    Appointment,
    OpeningHours,
    Status,
    WorkingHours,
)
from clinic import roles

# Which status may follow which; completion comes only with the session (complete()).
NEXT = {
    Status.BOOKED: {Status.ARRIVED, Status.NO_SHOW, *CANCELLED},
}


def default_length(course):
    """An appointment's length for a session of `course` (CLINIC_APPOINTMENT_MINUTES)."""
    minutes = settings.CLINIC_APPOINTMENT_MINUTES.get(course.massage_type if course else "", 40)
    return datetime.timedelta(minutes=minutes)


def book(
    *,
    client,
    therapist,
    starts_at,
    by,
    ends_at=None,
    room=None,
    course=None,
    session_number=None,
    notes="",
    override_reason="",
):
    """Book an appointment, or book nothing and raise a ValidationError naming every reason."""
    client.ensure_active()
    appointment = Appointment(
        client=client,
        therapist=therapist,
        room=room,
        course=course,
        session_number=session_number,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + default_length(course),
        notes=notes,
        override_reason=override_reason.strip(),
        booked_by=by,
    )
    return save_checked(appointment, by)


@transaction.atomic
def move(*, appointment, starts_at, by, ends_at=None, room=None, override_reason=""):
    """Move a booked appointment (only before the client arrives) to another time or room."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Status.BOOKED:
        raise ValidationError(
            _("Only a booked appointment is moved; this one is %(status)s.")
            % {"status": appointment.get_status_display().lower()},
            code="not_booked",
        )
    length = appointment.ends_at - appointment.starts_at
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at or starts_at + length
    appointment.room = room
    appointment.override_reason = override_reason.strip()
    return save_checked(appointment, by)


def save_checked(appointment, by):
    if appointment.override_reason and not roles.is_clinic_admin(by):
        raise ValidationError(
            _("Only a clinic admin books outside the hours."), code="override_not_allowed"
        )
    try:
        with transaction.atomic():
            # One booking at a time per therapist: their row's lock (PostgreSQL; SQLite's
            # IMMEDIATE transaction holds its one write lock already).
            get_user_model().objects.select_for_update().filter(pk=appointment.therapist_id).first()
            errors = clash_errors(appointment)
            if not appointment.override_reason:
                errors += hours_errors(appointment)
            if errors:
                raise ValidationError(errors)
            appointment.full_clean(exclude=["booked_by"])
            appointment._history_user = by
            appointment.save()
    except IntegrityError:
        # The exclusion constraint (PostgreSQL) caught what the check above could not see.
        raise ValidationError(
            _("This time was just booked by someone else; choose another."), code="clash"
        ) from None
    return appointment


def clash_errors(appointment):
    """The therapist's and the room's other appointments at the same time (back to back is
    fine: one ends as the next starts)."""
    overlapping = Appointment.objects.filter(
        status__in=HOLDING, starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
    ).exclude(pk=appointment.pk)
    errors = []
    taken = overlapping.filter(therapist=appointment.therapist_id).first()
    if taken:
        errors.append(
            ValidationError(
                _("%(therapist)s has an appointment from %(start)s to %(end)s.")
                % {"therapist": appointment.therapist, **span(taken)},
                code="therapist_busy",
            )
        )
    if appointment.room_id:
        taken = overlapping.filter(room=appointment.room_id).first()
        if taken:
            errors.append(
                ValidationError(
                    _("Room %(room)s is booked from %(start)s to %(end)s.")
                    % {"room": appointment.room, **span(taken)},
                    code="room_busy",
                )
            )
    return errors


def hours_errors(appointment):
    """Outside the clinic's opening hours or the therapist's working hours that day, or
    during their absence."""
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    errors = []
    if start.date() != end.date():
        return [ValidationError(_("An appointment starts and ends on the same day."), code="days")]
    day, within = start.weekday(), (start.time(), end.time())
    opening = OpeningHours.objects.filter(weekday=day).first()
    if opening is None or not (opening.opens <= within[0] and within[1] <= opening.closes):
        errors.append(
            ValidationError(_("The clinic is closed at this time."), code="clinic_closed")
        )
    hours = WorkingHours.objects.filter(therapist=appointment.therapist_id, weekday=day)
    if not any(h.starts <= within[0] and within[1] <= h.ends for h in hours):
        errors.append(
            ValidationError(
                _("%(therapist)s does not work at this time.")
                % {"therapist": appointment.therapist},
                code="not_working",
            )
        )
    absent = Absence.objects.filter(
        therapist=appointment.therapist_id,
        starts_at__lt=appointment.ends_at,
        ends_at__gt=appointment.starts_at,
    ).first()
    if absent:
        errors.append(
            ValidationError(
                _("%(therapist)s is away (%(kind)s) at this time.")
                % {"therapist": appointment.therapist, "kind": absent.get_kind_display().lower()},
                code="absent",
            )
        )
    return errors


def span(appointment):
    start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
    return {
        "start": f"{date_format(start, 'SHORT_DATE_FORMAT')} {time_format(start, 'H:i')}",
        "end": time_format(end, "H:i"),
    }


@transaction.atomic
def change_status(*, appointment, status, by):
    """Arrival, a no-show or a cancellation of the kind given; each kept in history."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if status not in NEXT.get(appointment.status, set()):
        raise ValidationError(
            _("An appointment that is %(now)s cannot become %(then)s.")
            % {
                "now": appointment.get_status_display().lower(),
                "then": Status(status).label.lower(),
            },
            code="status",
        )
    if status == Status.NO_SHOW and not appointment.has_begun:
        raise ValidationError(
            _("A no-show is marked once the appointment's time has begun."), code="not_yet"
        )
    appointment.status = status
    appointment._history_user = by
    appointment.save(update_fields=["status"])
    return appointment


@transaction.atomic
def complete(*, appointment, session, by):
    """The session logged in the appointment completes it."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Status.ARRIVED:
        raise ValidationError(
            _("Mark the client's arrival before logging the session of the appointment."),
            code="not_arrived",
        )
    if session.course_id != appointment.course_id:
        raise ValidationError(
            _("The session belongs to another course than the appointment."), code="course"
        )
    appointment.session = session
    appointment.status = Status.COMPLETED
    appointment._history_user = by
    appointment.save(update_fields=["session", "status"])
    return appointment
