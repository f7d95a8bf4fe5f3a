"""A course's remaining sessions booked at once from a rule (Monday, Wednesday and Friday at
10:00; every 2 days), previewed first with each clash and out-of-hours slot marked; and the
next free times of a therapist, to rebook a cancelled or missed appointment."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Appointment, Status, WorkingHours
from appointments.services import book, clash_errors, default_length, hours_errors

# An appointment in one of these is still to give its session (a no-show holds its time, not
# its session: models.HOLDING).
AWAITED = [Status.BOOKED, Status.ARRIVED]
# How far ahead a series or a search for free times looks, in days.
HORIZON = 120


@dataclass
class Slot:
    session_number: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    problems: list = field(default_factory=list)  # why it cannot be booked as it is

    @property
    def free(self):
        return not self.problems


def remaining_numbers(course):
    """The numbers of the course's sessions neither logged nor booked yet (a missed or
    cancelled appointment's session is still to be booked again)."""
    done = course.sessions.counted().count()
    booked = set(
        course.appointments.filter(status__in=AWAITED, session__isnull=True).values_list(
            "session_number", flat=True
        )
    )
    return [n for n in range(done + 1, course.planned_sessions + 1) if n not in booked]


def days_of(rule_start, *, weekdays=None, every_days=None):
    """The days a rule gives from `rule_start` on: the weekdays named (0 = Monday), or every
    `every_days` days."""
    if bool(weekdays) == bool(every_days):
        raise ValidationError(
            _("Choose the weekdays or a number of days between sessions."), code="rule"
        )
    day = rule_start
    for _step in range(HORIZON):
        if weekdays is None or day.weekday() in weekdays:
            yield day
        day += datetime.timedelta(days=every_days or 1)


def preview(course, *, therapist, start_on, at, room=None, weekdays=None, every_days=None):
    """The slots of the course's remaining sessions by the rule, each with its problems (a
    clash with the therapist's or the room's appointments, the hours, an absence); nothing
    is booked."""
    numbers = remaining_numbers(course)
    length = default_length(course)
    slots = []
    days = days_of(start_on, weekdays=weekdays, every_days=every_days)
    # As many as the course has sessions left, or the horizon gives days.
    for number, day in zip(numbers, days, strict=False):
        starts_at = timezone.make_aware(datetime.datetime.combine(day, at))
        slots.append(check(Slot(number, starts_at, starts_at + length), course, therapist, room))
    return slots


def check(slot, course, therapist, room):
    trial = Appointment(
        client=course.client,
        therapist=therapist,
        room=room,
        course=course,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    slot.problems = [
        message for error in clash_errors(trial) + hours_errors(trial) for message in error.messages
    ]
    return slot


@transaction.atomic
def book_series(course, slots, *, therapist, by, room=None):
    """Book every slot (as previewed, with any changed by hand), or none: a slot that cannot
    be booked refuses the whole series, naming its session."""
    booked = []
    for slot in slots:
        try:
            booked.append(
                book(
                    client=course.client,
                    therapist=therapist,
                    room=room,
                    course=course,
                    session_number=slot.session_number,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    by=by,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("Session %(number)s: %(problems)s")
                % {"number": slot.session_number, "problems": " ".join(error.messages)},
                code="series_slot",
            ) from None
    return booked


def free_times(therapist, *, after, length, count=5, room=None):
    """The therapist's next `count` free times of `length` after `after`, within their working
    hours: to rebook a cancelled or missed appointment with the same therapist."""
    hours = list(WorkingHours.objects.filter(therapist=therapist))
    found = []
    day = timezone.localtime(after).date()
    for _step in range(HORIZON):
        for period in sorted(
            (h for h in hours if h.weekday == day.weekday()), key=lambda h: h.starts
        ):
            start = timezone.make_aware(datetime.datetime.combine(day, period.starts))
            end_of_period = timezone.make_aware(datetime.datetime.combine(day, period.ends))
            while start + length <= end_of_period and len(found) < count:
                if start >= after:
                    slot = Slot(0, start, start + length)
                    trial = Appointment(
                        therapist=therapist, room=room, starts_at=start, ends_at=start + length
                    )
                    if not clash_errors(trial) and not hours_errors(trial):
                        found.append(slot)
                start += length
        if len(found) >= count:
            break
        day += datetime.timedelta(days=1)
    return found
