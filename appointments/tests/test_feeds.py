"""A therapist's own appointments as an iCalendar feed behind a secret, revocable address:
valid iCalendar, the client's initials and the room, and no medical data."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from appointments.feeds import new_feed
from appointments.models import CalendarFeed, Status
from appointments.services import book, change_status
from appointments.tests.factories import at
from sessions_app.tests.factories import course_for, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointments(week, therapist, clinic_admin):
    client = treatable_client(first_name="Maria", last_name="Ivanova", complaint="Lumbago")
    course = course_for(client, by=therapist, start_days_ago=3)
    booked = book(
        client=client,
        therapist=therapist,
        course=course,
        room=week[0],
        starts_at=at(10),
        by=therapist,
        notes="Disc hernia L4-L5, careful",
    )
    cancelled = book(client=client, therapist=therapist, starts_at=at(11), by=therapist)
    change_status(appointment=cancelled, status=Status.CANCELLED_BY_CLINIC, by=therapist)
    # Someone else's appointment is not in this therapist's feed.
    book(client=client, therapist=clinic_admin, starts_at=at(12), by=clinic_admin)
    return booked


def test_the_feed_is_valid_icalendar_with_initials_and_the_room_only(
    client, therapist, appointments
):
    feed = new_feed(therapist)
    response = client.get(reverse("appointments:feed", args=[feed.token]))  # not signed in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["M.I. · room 1"]
    (event,) = events
    assert event.decoded("dtstart") == at(10)
    text = response.content.decode()
    for private in ("Ivanova", "Maria", "Lumbago", "hernia", "L4", "classic", "massage"):
        assert private.lower() not in text.lower(), private


def test_a_new_address_replaces_the_old_and_a_stopped_feed_answers_nothing(
    client, therapist, appointments
):
    client.force_login(therapist)
    page = reverse("appointments:my_calendar")
    client.post(page, {"action": "new"})
    first = CalendarFeed.objects.get(revoked_at__isnull=True)
    assert first.token in client.get(page).content.decode()
    client.post(page, {"action": "new"})
    second = CalendarFeed.objects.get(revoked_at__isnull=True)
    client.logout()
    assert client.get(reverse("appointments:feed", args=[first.token])).status_code == 404
    assert client.get(reverse("appointments:feed", args=[second.token])).status_code == 200
    client.force_login(therapist)
    client.post(page, {"action": "stop"})
    client.logout()
    assert client.get(reverse("appointments:feed", args=[second.token])).status_code == 404
    assert client.get(reverse("appointments:feed", args=["guessed"])).status_code == 404


def test_reception_has_no_feed_of_its_own(client, reception):
    client.force_login(reception)
    assert client.get(reverse("appointments:my_calendar")).status_code == 403
