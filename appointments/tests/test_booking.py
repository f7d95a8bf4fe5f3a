"""Booking the clinic's day: never two appointments of a therapist or a room at once (on
PostgreSQL by the database itself), the hours and absences, and each change of status."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from appointments.models import Absence, Appointment, OpeningHours, Status, WorkingHours
from appointments.services import book, change_status, complete, move
from appointments.tests.factories import at, next_monday
from clinic.tests.factories import ClientFactory
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraints are PostgreSQL's"
)


def booking(therapist, start, **fields):
    return book(
        client=fields.pop("client", None) or ClientFactory(),
        therapist=therapist,
        starts_at=start,
        ends_at=fields.pop("ends_at", None) or start + datetime.timedelta(minutes=40),
        by=fields.pop("by", therapist),
        **fields,
    )


def test_a_therapist_is_never_booked_twice_at_once(week, therapist):
    booking(therapist, at(10))
    with pytest.raises(ValidationError) as refused:
        booking(therapist, at(10, 20))
    assert [e.code for e in refused.value.error_list] == ["therapist_busy"]
    assert Appointment.objects.count() == 1


def test_a_room_is_never_booked_twice_at_once(week, therapist, clinic_admin):
    room, _ = week
    booking(therapist, at(10), room=room)
    with pytest.raises(ValidationError, match="Room 1 is booked"):
        booking(clinic_admin, at(10, 30), room=room)
    booking(clinic_admin, at(10, 30), room=week[1])  # the other room is free


def test_back_to_back_appointments_are_fine(week, therapist):
    room, _ = week
    booking(therapist, at(10), room=room)
    booking(therapist, at(10, 40), room=room)
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_frees_its_time(week, therapist):
    first = booking(therapist, at(10))
    change_status(appointment=first, status=Status.CANCELLED_BY_CLIENT, by=therapist)
    booking(therapist, at(10))
    assert first.history.count() == 2  # booked, then cancelled


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (at(8), at(8, 40), "not_working"),  # the clinic is open, the therapist not yet
        (at(19, 40), at(20, 20), "clinic_closed"),
        (at(10, day=next_monday() + datetime.timedelta(days=5)), None, "clinic_closed"),
    ],
)
def test_outside_the_hours_is_refused_with_the_reason(week, therapist, start, end, code):
    with pytest.raises(ValidationError) as refused:
        booking(therapist, start, ends_at=end)
    assert code in [e.code for e in refused.value.error_list]


def test_during_an_absence_is_refused(week, therapist):
    Absence.objects.create(
        therapist=therapist, kind=Absence.Kind.TRAINING, starts_at=at(9), ends_at=at(13)
    )
    with pytest.raises(ValidationError, match="away \\(training\\)"):
        booking(therapist, at(11))
    booking(therapist, at(13))


def test_a_clinic_admin_overrides_the_hours_saying_why_and_it_is_kept(
    week, therapist, clinic_admin
):
    with pytest.raises(ValidationError, match="Only a clinic admin"):
        booking(therapist, at(8), override_reason="Before work, as agreed.")
    booked = booking(therapist, at(8), by=clinic_admin, override_reason="Before work, as agreed.")
    assert booked.history.get().override_reason == "Before work, as agreed."
    # An override never allows a clash.
    with pytest.raises(ValidationError, match="has an appointment"):
        booking(therapist, at(8, 10), by=clinic_admin, override_reason="Squeeze in.")


def test_moving_is_for_booked_appointments_only(week, therapist):
    appointment = booking(therapist, at(10))
    move(appointment=appointment, starts_at=at(11), by=therapist)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(11), at(11, 40))
    change_status(appointment=appointment, status=Status.ARRIVED, by=therapist)
    with pytest.raises(ValidationError, match="Only a booked appointment is moved"):
        move(appointment=appointment, starts_at=at(12), by=therapist)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([Status.ARRIVED], Status.NO_SHOW),
        ([Status.NO_SHOW], Status.ARRIVED),
        ([Status.CANCELLED_BY_CLINIC], Status.ARRIVED),
        ([Status.LATE_CANCELLATION], Status.BOOKED),
    ],
)
def test_each_status_follows_only_the_ones_it_may(week, therapist, path, refused, clock):
    appointment = booking(therapist, at(10))
    clock(at(10, 15))
    for status in path:
        appointment = change_status(appointment=appointment, status=status, by=therapist)
    with pytest.raises(ValidationError, match="cannot become"):
        change_status(appointment=appointment, status=refused, by=therapist)
    assert [h.status for h in appointment.history.order_by("history_date")] == [
        Status.BOOKED,
        *path,
    ]


def test_a_no_show_is_marked_once_the_time_has_come(week, therapist, clock):
    appointment = booking(therapist, at(10))
    clock(at(9, 59))
    with pytest.raises(ValidationError, match="once the appointment's time has begun"):
        change_status(appointment=appointment, status=Status.NO_SHOW, by=therapist)
    clock(at(10))
    assert change_status(appointment=appointment, status=Status.NO_SHOW, by=therapist).status == (
        Status.NO_SHOW
    )


def test_logging_the_session_completes_the_appointment(week, therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=3)
    appointment = booking(therapist, at(10), client=course.client, course=course)
    session = log(course, days_ago=0)
    with pytest.raises(ValidationError, match="Mark the client's arrival"):
        complete(appointment=appointment, session=session, by=therapist)
    change_status(appointment=appointment, status=Status.ARRIVED, by=therapist)
    complete(appointment=appointment, session=session, by=therapist)
    appointment.refresh_from_db()
    assert (appointment.status, appointment.session) == (Status.COMPLETED, session)


def test_the_default_length_follows_the_courses_massage_type(week, therapist, settings):
    settings.CLINIC_APPOINTMENT_MINUTES = {"classic": 45}
    course = course_for(treatable_client(), by=therapist, start_days_ago=3)
    booked = book(
        client=course.client, therapist=therapist, starts_at=at(10), course=course, by=therapist
    )
    assert booked.ends_at - booked.starts_at == datetime.timedelta(minutes=45)


@POSTGRES
def test_the_database_refuses_a_second_booking_whatever_the_path(week, therapist, clinic_admin):
    room, _ = week
    booking(therapist, at(10), room=room)
    forged = {
        "client": ClientFactory(),
        "therapist": therapist,
        "booked_by": therapist,
        "starts_at": at(10, 20),
        "ends_at": at(11),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(**forged)
    # Another therapist in the same room at the same time.
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(**{**forged, "therapist": clinic_admin, "room": room})
    Appointment.objects.create(**{**forged, "status": Status.CANCELLED_BY_CLIENT})


@POSTGRES
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_bookings_at_the_same_moment_give_one_appointment(therapist, clinic_admin):
    for weekday in range(5):
        OpeningHours.objects.create(weekday=weekday, opens="08:00", closes="20:00")
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, starts="09:00", ends="18:00"
        )
    clients = [ClientFactory(), ClientFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(person):
        try:
            barrier.wait()
            booking(therapist, at(10), client=person)
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.error_list[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The second waits for the first's lock, then finds the clash.
    assert sorted(outcomes) == ["booked", "therapist_busy"]
    assert Appointment.objects.count() == 1
