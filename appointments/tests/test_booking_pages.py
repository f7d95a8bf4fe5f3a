"""Reception's booking pages: one session or a course's series from the course page, moving,
cancelling and rebooking; every refusal says why and stores nothing; the course page lists the
course's appointments in a fixed number of queries."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from appointments.extension import Appointments
from appointments.models import Appointment, Room, Status
from appointments.services import book
from appointments.tests.factories import at, next_monday
from clinic.models import AccessLog
from clinic.tests.factories import ClientFactory
from sessions_app.models import Course
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db

MONDAY = next_monday()
WEDNESDAY = MONDAY + datetime.timedelta(days=2)


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist, start_days_ago=3, planned=10)


def booked(course, start, *, status=Status.BOOKED, number=1, room=None, minutes=40):
    """An appointment of the course as the pages find it (stored directly: its status may be
    one the services reach only with time passing)."""
    return Appointment.objects.create(
        client=course.client,
        therapist=course.therapist,
        course=course,
        session_number=number,
        room=room,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        status=status,
        booked_by=course.therapist,
    )


def page(name, course, appointment=None):
    if appointment is None:
        return reverse(f"appointments:{name}", args=[course.client_id, course.pk])
    return reverse(f"appointments:{name}", args=[course.client_id, appointment.pk])


def day_page(day):
    return reverse("appointments:day") + f"?on={day.isoformat()}"


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def refusals(response):
    return list(response.context["form"].non_field_errors())


def form_data(fields=(), **more):
    return {
        "day": MONDAY.strftime("%d.%m.%Y"),
        "time": "10:00",
        "minutes": "40",
        "session_number": "1",
        "notes": "",
        "room": "",
        **dict(fields),
        **more,
    }


# Access --------------------------------------------------------------------------------------


@pytest.fixture
def pages(course, week):
    """Each page, at an appointment it accepts."""
    upcoming = booked(course, at(10), number=1)
    missed = booked(course, at(12, day=WEDNESDAY), status=Status.CANCELLED_BY_CLIENT, number=2)
    return {
        "book": page("book", course),
        "series": page("series", course),
        "move": page("move", course, upcoming),
        "cancel": page("cancel", course, upcoming),
        "rebook": page("rebook", course, missed),
    }


@pytest.mark.parametrize("name", ["book", "series", "move", "cancel", "rebook"])
@pytest.mark.parametrize(
    ("role", "status"),
    [("reception", 200), ("therapist", 200), ("clinic_admin", 200), ("no_role", 403)],
)
def test_each_page_opens_for_the_three_roles_and_refuses_anyone_else(
    client, request, pages, name, role, status
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(pages[name]).status_code == status
    assert AccessLog.objects.filter(
        user=user, view="appointment_form", allowed=status == 200
    ).exists()


@pytest.mark.parametrize("name", ["book", "series", "move", "cancel", "rebook"])
def test_each_page_sends_a_stranger_to_sign_in(client, pages, name):
    response = client.get(pages[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_missing_course_or_appointment_is_not_found(client, reception, course, week):
    client.force_login(reception)
    other = course_for(treatable_client(), by=course.therapist)
    assert (
        client.get(reverse("appointments:book", args=[course.client_id, other.pk])).status_code
        == 404
    )
    stranger = booked(other, at(10))
    assert client.get(page("move", course, stranger)).status_code == 404


# Booking one session -------------------------------------------------------------------------


def test_reception_books_a_session_of_the_course(client, reception, therapist, course, week):
    room, _ = week
    client.force_login(reception)
    form = client.get(page("book", course)).context["form"]
    assert form.initial["therapist"] == therapist
    assert form.initial["minutes"] == 40  # CLINIC_APPOINTMENT_MINUTES of a classic massage
    assert form.initial["session_number"] == 1
    assert "override_reason" not in form.fields  # a clinic admin's

    response = client.post(
        page("book", course),
        form_data(therapist=therapist.pk, room=room.pk, notes="Second floor", minutes="45"),
    )

    assert response.status_code == 302 and response.url == course.get_absolute_url()
    appointment = Appointment.objects.get()
    assert (appointment.client, appointment.course, appointment.session_number) == (
        course.client,
        course,
        1,
    )
    assert (appointment.starts_at, appointment.ends_at) == (at(10), at(10, 45))
    assert (appointment.room, appointment.notes, appointment.booked_by) == (
        room,
        "Second floor",
        reception,
    )
    assert appointment.status == Status.BOOKED
    assert said(response) == [
        f"Session 1 is booked for {MONDAY:%d.%m.%Y} 10:00 with {therapist.get_full_name()}."
    ]
    # The next booking offers the next session.
    assert client.get(page("book", course)).context["form"].initial["session_number"] == 2


def test_the_next_free_times_fill_the_form_in(
    client, reception, therapist, clinic_admin, course, week
):
    client.force_login(reception)
    response = client.get(page("book", course))
    free = response.context["free"]
    assert free and all(slot.starts_at >= timezone.now() for slot in free)
    first = timezone.localtime(free[0].starts_at)
    link = f"?on={first:%Y-%m-%d}&amp;at={first:%H:%M}&amp;therapist={therapist.pk}"
    assert link in response.content.decode()

    # Another therapist's times, chosen with one of theirs.
    chosen = client.get(
        page("book", course) + f"?on={WEDNESDAY.isoformat()}&at=11:20&therapist={clinic_admin.pk}"
    )
    initial = chosen.context["form"].initial
    assert (initial["day"], initial["time"], initial["therapist"]) == (
        WEDNESDAY,
        datetime.time(11, 20),
        clinic_admin,
    )
    assert chosen.context["therapist"] == clinic_admin
    # Whatever else is typed into the address is ignored.
    garbage = client.get(page("book", course) + "?on=31.02.2026&at=25:99&therapist=x%27")
    assert garbage.status_code == 200
    assert "day" not in garbage.context["form"].initial
    assert garbage.context["form"].initial["therapist"] == therapist


def test_a_clash_is_refused_with_every_reason_and_nothing_is_stored(
    client, reception, therapist, course, week
):
    room, _ = week
    book(
        client=ClientFactory(),
        therapist=therapist,
        room=room,
        starts_at=at(17, 20),
        by=reception,
    )
    client.force_login(reception)

    # Booked from 17:20; 17:40–18:20 is also past the therapist's hours.
    response = client.post(
        page("book", course), form_data(therapist=therapist.pk, room=room.pk, time="17:40")
    )

    assert response.status_code == 200
    messages = refusals(response)
    assert any("has an appointment from" in m for m in messages)
    assert any("Room 1 is booked" in m for m in messages)
    assert any("does not work at this time" in m for m in messages)
    assert "Nothing was stored." in response.content.decode()
    assert Appointment.objects.filter(course=course).count() == 0
    # Its free times are offered to pick another.
    assert response.context["free"]


def test_out_of_hours_only_a_clinic_admin_books_saying_why(
    client, reception, clinic_admin, therapist, course, week
):
    evening = form_data(therapist=therapist.pk, time="19:00", override_reason="Only time she can")
    client.force_login(reception)
    response = client.post(page("book", course), evening)
    assert response.status_code == 200
    assert any("does not work at this time" in m for m in refusals(response))
    assert not Appointment.objects.exists()

    client.force_login(clinic_admin)
    form = client.get(page("book", course)).context["form"]
    assert "override_reason" in form.fields
    without_reason = client.post(page("book", course), {**evening, "override_reason": ""})
    assert any("does not work at this time" in m for m in refusals(without_reason))
    assert not Appointment.objects.exists()

    response = client.post(page("book", course), evening)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(19)
    assert appointment.override_reason == "Only time she can"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": "31.02.2026"}, "Enter a valid date."),
        ({"time": "25:00"}, "Enter a valid time."),
        ({"day": "01.01.2000"}, "Choose a day within 5 years of today."),
        ({"day": "01.01.9999", "time": "23:59"}, "Choose a day within 5 years of today."),
        ({"minutes": "0"}, "Ensure this value is greater than or equal to 10."),
        ({"session_number": "11"}, "Select a valid choice."),
        ({"therapist": "999999"}, "Select a valid choice."),
    ],
)
def test_what_cannot_be_a_booking_is_refused_on_its_field(
    client, reception, therapist, course, week, fields, message
):
    client.force_login(reception)
    response = client.post(page("book", course), form_data({"therapist": therapist.pk, **fields}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not Appointment.objects.exists()


def test_a_time_that_has_passed_is_refused(client, reception, therapist, course, week):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(reception)
    response = client.post(
        page("book", course), form_data(therapist=therapist.pk, day=yesterday.isoformat())
    )
    assert refusals(response) == ["This time has passed; choose a time from now on."]
    assert not Appointment.objects.exists()


def test_the_room_is_not_asked_where_the_clinic_has_none(
    client, reception, therapist, course, week
):
    Room.objects.update(is_active=False)
    client.force_login(reception)
    assert "room" not in client.get(page("book", course)).context["form"].fields
    client.post(page("book", course), form_data(therapist=therapist.pk))
    assert Appointment.objects.get().room is None


@pytest.mark.parametrize("name", ["book", "series"])
def test_a_closed_course_takes_no_appointments(client, reception, therapist, course, week, name):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.COMPLETED)
    client.force_login(reception)
    response = client.post(page(name, course), form_data(therapist=therapist.pk))
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert "This course is completed and takes no more appointments" in said(response)[0]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("name", ["book", "series"])
def test_a_course_with_every_session_booked_says_so(client, reception, course, week, name):
    for number in range(1, 11):
        booked(course, at(9, day=MONDAY + datetime.timedelta(days=number)), number=number)
    client.force_login(reception)
    response = client.get(page(name, course))
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert said(response) == [
        "Every session of this course is already logged or booked; there is nothing to book."
    ]


# A series ------------------------------------------------------------------------------------


def rule(who, **fields):
    return {
        "therapist": who.pk,
        "room": "",
        "first_day": MONDAY.strftime("%d.%m.%Y"),
        "time": "10:00",
        "weekdays": ["0", "2", "4"],
        "every_days": "",
        "action": "preview",
        **fields,
    }


def slots_of(response, changed=None):
    """The previewed slots as the page sends them back, with `changed` ({number: (day, time)})."""
    data = {"slot-TOTAL_FORMS": "0", "slot-INITIAL_FORMS": "0"}
    rows = response.context["rows"]
    data["slot-TOTAL_FORMS"] = str(len(rows))
    for index, (form, _slot) in enumerate(rows):
        number = form.initial["session_number"]
        day, time = (changed or {}).get(number, (form.initial["day"], form.initial["time"]))
        data[f"slot-{index}-session_number"] = str(number)
        data[f"slot-{index}-day"] = day.strftime("%d.%m.%Y")
        data[f"slot-{index}-time"] = time.strftime("%H:%M")
    return data


def test_the_series_preview_marks_a_clash_and_books_all_ten_sessions(
    client, reception, therapist, course, week
):
    book(client=ClientFactory(), therapist=therapist, starts_at=at(10), by=reception)
    client.force_login(reception)

    preview = client.post(page("series", course), rule(therapist))

    assert preview.status_code == 200
    rows = preview.context["rows"]
    assert [form.initial["session_number"] for form, _ in rows] == list(range(1, 11))
    assert [slot.free for _, slot in rows] == [False] + [True] * 9
    assert "has an appointment from" in rows[0][1].problems[0]
    assert 'data-slot="1" data-problem' in preview.content.decode()
    assert not Appointment.objects.filter(course=course).exists()  # a preview books nothing

    # Booked as previewed, the clash refuses the whole series, naming its session.
    refused = client.post(
        page("series", course), {**rule(therapist, action="book"), **slots_of(preview)}
    )
    assert refused.status_code == 200
    assert refused.context["refused"][0].startswith("Session 1: ")
    assert "Nothing was stored." in refused.content.decode()
    assert not Appointment.objects.filter(course=course).exists()

    # Session 1 moved by hand to 11:00, all ten book.
    moved = slots_of(preview, {1: (MONDAY, datetime.time(11))})
    response = client.post(page("series", course), {**rule(therapist, action="book"), **moved})

    assert response.status_code == 302 and response.url == course.get_absolute_url()
    appointments = list(Appointment.objects.filter(course=course).order_by("session_number"))
    assert [a.session_number for a in appointments] == list(range(1, 11))
    assert appointments[0].starts_at == at(11)
    assert [timezone.localtime(a.starts_at).weekday() for a in appointments[1:4]] == [2, 4, 0]
    assert said(response) == ["10 sessions booked."]


def test_every_few_days_marks_the_weekend(client, reception, therapist, course, week):
    client.force_login(reception)
    response = client.post(page("series", course), rule(therapist, weekdays=[], every_days="2"))
    slots = [slot for _, slot in response.context["rows"]]
    assert [s.starts_at.date() for s in slots[:3]] == [
        MONDAY + datetime.timedelta(days=n) for n in (0, 2, 4)
    ]
    # Sunday, the 7th day after Monday, is closed.
    assert "The clinic is closed at this time." in slots[3].problems


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekdays": [], "every_days": ""}, "Choose the weekdays, or a number of days"),
        ({"every_days": "3"}, "not both"),
        ({"weekdays": [], "every_days": "0"}, "greater than or equal to 1"),
        ({"weekdays": [], "every_days": "two"}, "Enter a whole number."),
        ({"weekdays": ["9"]}, "Select a valid choice."),
        ({"first_day": "01.01.2020"}, "Choose a day within 5 years of today."),
        ({"first_day": "garbage"}, "Enter a valid date."),
        ({"time": "ten"}, "Enter a valid time."),
        ({"therapist": ""}, "This field is required."),
    ],
)
def test_a_bad_rule_says_what_to_fix_and_books_nothing(
    client, reception, therapist, course, week, fields, message
):
    client.force_login(reception)
    for action in ("preview", "book"):
        response = client.post(page("series", course), rule(therapist, action=action, **fields))
        assert response.status_code == 200
        assert message in str(response.context["rule"].errors)
        assert "Nothing was stored." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_first_day_in_the_past_is_refused(client, reception, therapist, course, week):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(reception)
    response = client.post(page("series", course), rule(therapist, first_day=yesterday.isoformat()))
    assert response.context["rule"].errors["first_day"] == ["Choose today or a later day."]


def test_a_series_is_refused_when_its_sessions_changed_since_the_preview(
    client, reception, therapist, course, week
):
    client.force_login(reception)
    preview = client.post(page("series", course), rule(therapist))
    booked(course, at(9, day=MONDAY + datetime.timedelta(days=1)), number=1)  # meanwhile
    response = client.post(
        page("series", course), {**rule(therapist, action="book"), **slots_of(preview)}
    )
    assert response.context["refused"] == [
        "The sessions left to book have changed since the preview; preview them again."
    ]
    assert Appointment.objects.count() == 1


def test_a_slot_typed_wrong_is_marked_on_its_field(client, reception, therapist, course, week):
    client.force_login(reception)
    preview = client.post(page("series", course), rule(therapist))
    data = {**rule(therapist, action="book"), **slots_of(preview), "slot-0-day": "32.13.2026"}
    response = client.post(page("series", course), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["day"] == ["Enter a valid date."]
    assert not Appointment.objects.exists()
    # Garbage in the formset's counts is no booking either, and no error page.
    response = client.post(
        page("series", course), {**rule(therapist, action="book"), "slot-TOTAL_FORMS": "x"}
    )
    assert response.status_code == 200
    assert not Appointment.objects.exists()


# Moving, cancelling --------------------------------------------------------------------------


def test_a_booked_appointment_is_moved_and_the_day_it_went_to_opens(
    client, reception, course, week
):
    room, other_room = week
    appointment = booked(course, at(10), room=room)
    client.force_login(reception)
    form = client.get(page("move", course, appointment)).context["form"]
    assert (form.initial["day"], form.initial["time"]) == (MONDAY, datetime.time(10))

    response = client.post(
        page("move", course, appointment),
        {"day": WEDNESDAY.strftime("%d.%m.%Y"), "time": "14:30", "room": other_room.pk},
    )

    assert response.status_code == 302 and response.url == day_page(WEDNESDAY)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (
        at(14, 30, day=WEDNESDAY),
        at(15, 10, day=WEDNESDAY),
    )
    assert appointment.room == other_room


def test_moving_into_a_clash_or_out_of_hours_is_refused_and_changes_nothing(
    client, reception, clinic_admin, therapist, course, week
):
    appointment = booked(course, at(10))
    book(client=ClientFactory(), therapist=therapist, starts_at=at(14), by=reception)
    client.force_login(reception)
    to = {"day": MONDAY.strftime("%d.%m.%Y"), "room": ""}
    clash = client.post(page("move", course, appointment), {**to, "time": "14:20"})
    assert clash.status_code == 200
    assert any("has an appointment from" in m for m in refusals(clash))
    late = client.post(
        page("move", course, appointment), {**to, "time": "19:00", "override_reason": "x"}
    )
    assert any("does not work at this time" in m for m in refusals(late))
    appointment.refresh_from_db()
    assert appointment.starts_at == at(10)

    client.force_login(clinic_admin)
    client.post(
        page("move", course, appointment), {**to, "time": "19:00", "override_reason": "Her shift"}
    )
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.override_reason) == (at(19), "Her shift")


@pytest.mark.parametrize("name", ["move", "cancel"])
def test_an_arrived_appointment_is_neither_moved_nor_cancelled(
    client, reception, course, week, name
):
    appointment = booked(course, at(10), status=Status.ARRIVED)
    client.force_login(reception)
    for response in (
        client.get(page(name, course, appointment)),
        client.post(
            page(name, course, appointment),
            {"day": WEDNESDAY.strftime("%d.%m.%Y"), "time": "11:00", "kind": "cancelled_client"},
        ),
    ):
        assert response.status_code == 302 and response.url == day_page(MONDAY)
        assert "this one is arrived." in said(response)[0]
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == (Status.ARRIVED, at(10))


@pytest.mark.parametrize(
    "kind", [Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_CLINIC, Status.LATE_CANCELLATION]
)
def test_a_cancellation_says_who_cancelled_and_frees_the_time(
    client, reception, course, week, kind
):
    appointment = booked(course, at(10))
    client.force_login(reception)
    response = client.post(page("cancel", course, appointment), {"kind": kind})
    assert response.status_code == 302 and response.url == day_page(MONDAY)
    appointment.refresh_from_db()
    assert appointment.status == kind
    assert appointment.history.count() == 2  # kept, with its history


def test_a_cancellation_needs_one_of_its_kinds(client, reception, course, week):
    appointment = booked(course, at(10))
    client.force_login(reception)
    for kind in ("", Status.COMPLETED, Status.NO_SHOW):
        response = client.post(page("cancel", course, appointment), {"kind": kind})
        assert response.status_code == 200
        assert response.context["form"].errors["kind"]
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


# Rebooking -----------------------------------------------------------------------------------


def test_a_cancelled_appointment_is_rebooked_at_a_free_time_and_keeps_its_history(
    client, reception, therapist, course, week
):
    room, _ = week
    missed = booked(course, at(10), status=Status.NO_SHOW, number=3, room=room, minutes=45)
    client.force_login(reception)
    response = client.get(page("rebook", course, missed))
    free = response.context["free"]
    assert free and all(slot.starts_at >= timezone.now() for slot in free)
    assert all(slot.ends_at - slot.starts_at == datetime.timedelta(minutes=45) for slot in free)
    assert response.content.decode().count("data-free-time>") == len(free)
    chosen = timezone.localtime(free[0].starts_at)

    response = client.post(
        page("rebook", course, missed), {"day": f"{chosen:%Y-%m-%d}", "time": f"{chosen:%H:%M}"}
    )

    assert response.status_code == 302 and response.url == day_page(chosen.date())
    new = Appointment.objects.exclude(pk=missed.pk).get()
    assert (new.client, new.course, new.session_number, new.therapist, new.room) == (
        course.client,
        course,
        3,
        therapist,
        room,
    )
    assert (new.starts_at, new.ends_at - new.starts_at) == (
        free[0].starts_at,
        datetime.timedelta(minutes=45),
    )
    assert new.status == Status.BOOKED
    missed.refresh_from_db()
    assert missed.status == Status.NO_SHOW

    # Booked again, session 3 is not rebooked a second time.
    again = client.get(page("rebook", course, missed))
    assert again.status_code == 302 and again.url == course.get_absolute_url()
    assert said(again)[-1] == (
        "Session 3 of this course is already booked again or logged; there is nothing to rebook."
    )


def test_a_logged_session_is_not_rebooked(client, reception, course, week):
    cancelled = booked(course, at(10), status=Status.CANCELLED_BY_CLINIC, number=1)
    log(course, days_ago=1)  # session 1 took place as a walk-in
    client.force_login(reception)
    response = client.post(
        page("rebook", course, cancelled), {"day": WEDNESDAY.isoformat(), "time": "10:00"}
    )
    assert response.status_code == 302
    assert "already booked again or logged" in said(response)[0]
    assert Appointment.objects.count() == 1


def test_a_rebooking_into_a_clash_is_refused(client, reception, therapist, course, week):
    cancelled = booked(course, at(10), status=Status.CANCELLED_BY_CLIENT)
    book(client=ClientFactory(), therapist=therapist, starts_at=at(10, day=WEDNESDAY), by=reception)
    client.force_login(reception)
    response = client.post(
        page("rebook", course, cancelled), {"day": WEDNESDAY.isoformat(), "time": "10:20"}
    )
    assert response.status_code == 200
    assert any("has an appointment from" in m for m in refusals(response))
    assert Appointment.objects.filter(course=course).count() == 1


def test_only_a_cancelled_or_missed_appointment_is_rebooked(client, reception, course, week):
    upcoming = booked(course, at(10))
    client.force_login(reception)
    response = client.get(page("rebook", course, upcoming))
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert "this one is booked." in said(response)[0]


# The course page ----------------------------------------------------------------------------


def test_the_course_page_lists_its_appointments_with_what_may_be_done(
    client, reception, course, week
):
    room, _ = week
    upcoming = booked(course, at(10), number=1, room=room)
    arrived = booked(course, at(11), status=Status.ARRIVED, number=2)
    missed = booked(course, at(12), status=Status.CANCELLED_BY_CLIENT, number=3)
    replaced = booked(course, at(13), status=Status.NO_SHOW, number=4)
    booked(course, at(14), number=4)  # session 4, booked again
    client.force_login(reception)

    body = client.get(course.get_absolute_url()).content.decode()

    assert "data-course-appointments" in body
    assert f"{MONDAY:%d.%m.%Y}" in body and "10:00–10:40" in body and "room 1" in body
    assert page("move", course, upcoming) in body and page("cancel", course, upcoming) in body
    assert page("move", course, arrived) not in body
    assert page("cancel", course, arrived) not in body
    assert page("rebook", course, missed) in body
    assert page("rebook", course, replaced) not in body
    assert page("book", course) in body and page("series", course) in body


def test_a_closed_course_offers_no_booking(client, reception, course, week):
    missed = booked(course, at(12), status=Status.CANCELLED_BY_CLIENT, number=3)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CANCELLED)
    client.force_login(reception)
    body = client.get(course.get_absolute_url()).content.decode()
    assert "data-course-appointments" in body
    assert page("book", course) not in body
    assert page("rebook", course, missed) not in body


def test_the_panel_is_shown_only_to_those_who_may_see_appointments(course, no_role, reception):
    request = RequestFactory().get("/")
    request.user = no_role
    assert Appointments().panel(request, course, "course") is None
    request.user = reception
    assert Appointments().panel(request, course, "course")["may_book"] is True
    assert Appointments().panel(request, course, "elsewhere") is None


@pytest.mark.parametrize("size", [2, 9])
def test_the_course_page_reads_its_appointments_in_one_query_however_many(
    client, therapist, course, week, django_assert_num_queries, size
):
    room, _ = week
    statuses = [Status.BOOKED, Status.CANCELLED_BY_CLIENT, Status.ARRIVED]
    for number in range(1, size + 1):
        booked(
            course,
            at(9, day=MONDAY + datetime.timedelta(days=number)),
            number=number,
            status=statuses[number % 3],
            room=room if number % 2 else None,
        )
    client.force_login(therapist)
    # session, user, client, permissions (2), course, sessions (none: no steps), the plan,
    # planned dates, the access-log row, the back-office link check, the questionnaires due
    # + renewing the idle session (3) + the appointments with their therapist, room and the
    # number of sessions logged (1)
    with django_assert_num_queries(16):
        response = client.get(course.get_absolute_url())
    assert response.content.decode().count('data-appointment="') == size
