"""The clinic's day and week by therapist, as reception's calendar shows them: who works when,
who is away, and the appointments in time order. Read in a fixed number of queries whatever
the number of appointments (four, and up to seven more for the clients' eligibility)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from appointments.models import Absence, Appointment, Status, WorkingHours
from clinic.lib.days import day_bounds
from screening.services import eligibility_for

# The eligibility of a client matters for an appointment that may still be treated.
TREATABLE = [Status.BOOKED, Status.ARRIVED]


def who_treats():
    """The active people who log sessions (therapists and clinic admins, by their roles), in
    name order. A superuser without such a role is a technical account, not a therapist."""
    return (
        get_user_model()
        .objects.with_perm(
            "sessions_app.add_session",
            include_superusers=False,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class TherapistDay:
    """One therapist's day: their working hours, absences and appointments in time order."""

    therapist: object
    day: datetime.date
    hours: list = field(default_factory=list)
    absences: list = field(default_factory=list)
    appointments: list = field(default_factory=list)

    @property
    def works(self):
        return bool(self.hours)


@dataclass
class Day:
    """A day of the calendar with the therapists shown on it."""

    day: datetime.date
    therapists: list = field(default_factory=list)

    @property
    def appointments(self):
        return [a for entry in self.therapists for a in entry.appointments]


def days(first, last, therapist=None):
    """Each day from `first` to `last` with the therapists who work that weekday or have an
    appointment that day, by name (only `therapist`, shown every day, when one is chosen);
    someone who has left keeps the appointments booked with them. Four queries."""
    start, end = day_bounds(first, last)
    people = who_treats()
    appointments = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
    hours = WorkingHours.objects.all()
    absences = Absence.objects.filter(starts_at__lt=end, ends_at__gt=start)
    if therapist is not None:
        people = people.filter(pk=therapist.pk)
        appointments = appointments.filter(therapist=therapist)
        hours, absences = hours.filter(therapist=therapist), absences.filter(therapist=therapist)
    people = list(people)
    appointments = list(
        appointments.select_related(
            "client", "course", "room", "therapist", "session__course"
        ).order_by("starts_at", "pk")
    )
    hours = list(hours.order_by("starts"))
    absences = list(absences.order_by("starts_at"))
    # Names sort the columns, the same on every day of the week.
    everyone = {person.pk: person for person in people}
    for appointment in appointments:
        everyone.setdefault(appointment.therapist_id, appointment.therapist)
    order = sorted(everyone.values(), key=lambda p: (p.last_name, p.first_name, p.get_username()))
    calendar = []
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        day_start, day_end = day_bounds(day)
        entries = {person.pk: TherapistDay(person, day) for person in order}
        for item in hours:
            if item.weekday == day.weekday() and item.therapist_id in entries:
                entries[item.therapist_id].hours.append(item)
        for item in absences:
            if (
                item.starts_at < day_end
                and item.ends_at > day_start
                and item.therapist_id in entries
            ):
                entries[item.therapist_id].absences.append(item)
        for appointment in appointments:
            if day_start <= appointment.starts_at < day_end:
                entries[appointment.therapist_id].appointments.append(appointment)
        calendar.append(
            Day(
                day,
                [
                    entry
                    for entry in entries.values()
                    if therapist is not None or entry.hours or entry.appointments
                ],
            )
        )
    return calendar


def with_eligibility(day):
    """Each appointment of `day` (a Day) that may still be treated gets its client's
    eligibility that day as `eligibility` (seven queries, see eligibility_for)."""
    treatable = [a for a in day.appointments if a.status in TREATABLE]
    verdicts = eligibility_for({a.client_id: a.client for a in treatable}.values(), day.day)
    for appointment in treatable:
        appointment.eligibility = verdicts[appointment.client_id]
    return day


def clients_shown(calendar):
    """The clients whose appointments the calendar names, for the access log."""
    return sorted({a.client_id for day in calendar for a in day.appointments})
