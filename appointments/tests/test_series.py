"""A course's remaining sessions booked as a series: the preview marks clashes, hours and
absences; booking takes all or none; a missed appointment is rebooked at a free time."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appointments.models import Absence, Appointment, Status
from appointments.series import book_series, free_times, preview, remaining_numbers
from appointments.services import book, change_status
from appointments.tests.factories import at, next_monday
from clinic.tests.factories import ClientFactory
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db
TEN = datetime.time(10)


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist, start_days_ago=3, planned=10)


def test_monday_wednesday_friday_at_ten_books_the_remaining_sessions(week, therapist, course):
    log(course, days_ago=1)  # session 1 is done: nine remain
    slots = preview(course, therapist=therapist, start_on=next_monday(), at=TEN, weekdays={0, 2, 4})
    assert [s.session_number for s in slots] == list(range(2, 11))
    assert [s.starts_at.weekday() for s in slots][:4] == [0, 2, 4, 0]
    assert all(s.free for s in slots)
    assert not Appointment.objects.exists()  # a preview books nothing
    book_series(course, slots, therapist=therapist, by=therapist)
    assert Appointment.objects.filter(course=course).count() == 9
    assert remaining_numbers(course) == []


def test_the_preview_marks_a_clash_an_absence_and_the_weekend(week, therapist, course):
    book(client=ClientFactory(), therapist=therapist, starts_at=at(10), by=therapist)
    Wednesday = next_monday() + datetime.timedelta(days=2)
    Absence.objects.create(
        therapist=therapist,
        kind=Absence.Kind.LEAVE,
        starts_at=at(0, day=Wednesday),
        ends_at=at(23, day=Wednesday),
    )
    slots = preview(course, therapist=therapist, start_on=next_monday(), at=TEN, every_days=2)
    monday, wednesday, friday, sunday = slots[:4]
    assert any("has an appointment" in p for p in monday.problems)
    assert any("away (leave)" in p for p in wednesday.problems)
    assert friday.free
    assert any("closed" in p for p in sunday.problems)
    # Booked as it is, the series is refused whole, naming the session.
    with pytest.raises(ValidationError, match="Session 1: "):
        book_series(course, slots, therapist=therapist, by=therapist)
    assert not Appointment.objects.filter(course=course).exists()
    # Moved by hand to free times, it books.
    book_series(course, [s for s in slots if s.free], therapist=therapist, by=therapist)
    assert Appointment.objects.filter(course=course).count() == len([s for s in slots if s.free])


def test_a_rule_needs_weekdays_or_a_number_of_days(week, therapist, course):
    with pytest.raises(ValidationError, match="Choose the weekdays"):
        preview(course, therapist=therapist, start_on=next_monday(), at=TEN)


def test_a_missed_appointment_keeps_its_history_and_is_rebooked_at_a_free_time(
    week, therapist, course, clock
):
    missed = book(
        client=course.client,
        therapist=therapist,
        course=course,
        session_number=1,
        starts_at=at(9),
        by=therapist,
    )
    clock(at(9, 15))
    change_status(appointment=missed, status=Status.NO_SHOW, by=therapist)
    book(client=ClientFactory(), therapist=therapist, starts_at=at(9, 40), by=therapist)
    offered = free_times(therapist, after=at(9), length=datetime.timedelta(minutes=40), count=3)
    # 9:00 is still held by the no-show, 9:40 by another client.
    assert [s.starts_at for s in offered] == [at(10, 20), at(11), at(11, 40)]
    rebooked = book(
        client=course.client,
        therapist=therapist,
        course=course,
        session_number=1,
        starts_at=offered[0].starts_at,
        by=therapist,
    )
    assert missed.history.count() == 2 and rebooked.pk != missed.pk
