"""No-show and late-cancellation rates by month and therapist, in one query."""

import datetime

import pytest

from appointments.figures import attendance
from appointments.models import Status
from appointments.services import book, change_status
from appointments.tests.factories import at, next_monday
from clinic.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def day_over(clock):
    """Marked once the day is over, as a no-show can only be then."""
    clock(at(23))


def appointment(therapist, hour, *statuses):
    booked = book(client=ClientFactory(), therapist=therapist, starts_at=at(hour), by=therapist)
    for status in statuses:
        booked = change_status(appointment=booked, status=status, by=therapist)
    return booked


def test_the_rates_count_what_was_due_to_happen(
    week, therapist, clinic_admin, django_assert_num_queries
):
    appointment(therapist, 9, Status.ARRIVED)
    appointment(therapist, 10, Status.NO_SHOW)
    appointment(therapist, 11, Status.LATE_CANCELLATION)
    appointment(therapist, 12, Status.ARRIVED)
    appointment(therapist, 13, Status.CANCELLED_BY_CLIENT)  # in good time: in neither
    appointment(therapist, 14)  # still booked: not yet due
    appointment(clinic_admin, 9, Status.ARRIVED)
    day = next_monday()
    with django_assert_num_queries(1):
        lines = attendance(day - datetime.timedelta(days=40), day + datetime.timedelta(days=40))
    by_therapist = {line.therapist: line for line in lines}
    mine = by_therapist[f"{therapist.last_name} {therapist.first_name}"]
    assert (mine.due, mine.no_shows, mine.late_cancellations) == (4, 1, 1)
    assert (mine.no_show_rate, mine.late_cancellation_rate) == (25.0, 25.0)
    admins = by_therapist[f"{clinic_admin.last_name} {clinic_admin.first_name}"]
    assert (admins.due, admins.no_show_rate) == (1, 0.0)
    assert {line.month for line in lines} == {day.replace(day=1)}


def test_the_page_shows_the_figures_to_clinic_admins_and_refuses_bad_days(
    client, week, therapist, clinic_admin
):
    from django.urls import reverse

    appointment(therapist, 10, Status.NO_SHOW)
    url = reverse("appointments:figures")
    client.force_login(therapist)
    assert client.get(url).status_code == 403
    client.force_login(clinic_admin)
    day = next_monday()
    page = client.get(
        url, {"date_from": day.strftime("%d.%m.%Y"), "date_to": day.strftime("%d.%m.%Y")}
    )
    (line,) = page.context["lines"]
    assert (line.due, line.no_show_rate) == (1, 100.0)
    for bad in (
        {"date_from": "31.02.2026", "date_to": "01.03.2026"},
        {"date_from": "02.03.2026", "date_to": "01.03.2026"},
        {"date_from": "01.01.2020", "date_to": "01.03.2026"},
    ):
        refused = client.get(url, bad)
        assert refused.status_code == 400 and refused.context["form"].errors
