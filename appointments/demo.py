"""The demo clinic's week: two rooms, the opening hours, the demo staff's working hours, and
today's appointments for the demo courses, so that "Day" and the start page show a day."""

import datetime

from django.utils import timezone

from appointments.models import Appointment, OpeningHours, Room, Status, WorkingHours
from appointments.series import remaining_numbers
from appointments.services import default_length
from clinic.lib.days import start_of
from sessions_app.models import Course

OPEN = [Course.Status.PLANNED, Course.Status.ACTIVE]


def add_demo_week(*, therapists):
    """Rooms and hours, kept as they are when the clinic has set its own."""
    if not Room.objects.exists():
        Room.objects.bulk_create([Room(name="1"), Room(name="2")])
    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens="08:00", closes="20:00") for day in range(6)
        )
    for therapist in therapists:
        if not therapist.working_hours.exists():
            WorkingHours.objects.bulk_create(
                WorkingHours(therapist=therapist, weekday=day, starts="09:00", ends="18:00")
                for day in range(6)
            )


def add_demo_day(courses, *, by):
    """Today's appointments for the demo courses that have none: the first client arrived an
    hour ago (their session waits to be logged from the appointment), the others come later.
    Booked as a demo, whatever today's hours (a demo run on a Sunday still shows a day)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = max(now.replace(minute=0) - datetime.timedelta(hours=1), now.replace(hour=0, minute=0))
    rooms = list(Room.objects.filter(is_active=True))
    for index, course in enumerate(c for c in courses if c.status in OPEN):
        if course.appointments.filter(starts_at__gte=start_of(now.date())).exists():
            continue  # booked already by an earlier run today
        if not (numbers := remaining_numbers(course)):
            continue
        starts_at, start = start, start + default_length(course)  # back to back
        Appointment.objects.create(
            client=course.client,
            therapist=course.therapist,
            room=rooms[index % len(rooms)] if rooms else None,
            course=course,
            session_number=numbers[0],
            starts_at=starts_at,
            ends_at=start,
            status=Status.ARRIVED if index == 0 else Status.BOOKED,
            booked_by=by,
        )
