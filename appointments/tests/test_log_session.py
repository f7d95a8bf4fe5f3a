"""A session logged from the appointment the client arrived for completes it; one logged
without an appointment is a walk-in, and its form and page say so."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, Status
from appointments.origin import AppointmentOrigin
from sessions_app import services as session_services
from sessions_app.models import Session, Zone
from sessions_app.tests.factories import course_for, plan_steps, treatable_client
from sessions_app.tests.test_pages import plan_rows, session_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist)


def appointment_of(course, status=Status.ARRIVED, *, hours_ago=1):
    starts = (timezone.localtime() - datetime.timedelta(hours=hours_ago)).replace(
        second=0, microsecond=0
    )
    return Appointment.objects.create(
        client=course.client,
        therapist=course.therapist,
        course=course,
        session_number=1,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=40),
        status=status,
        booked_by=course.therapist,
    )


def url_of(appointment):
    return reverse("appointments:log_session", args=[appointment.client_id, appointment.pk])


def test_the_form_opens_prefilled_from_the_plan_and_the_appointments_time(
    client, therapist, course
):
    appointment = appointment_of(course)
    client.force_login(therapist)

    response = client.get(url_of(appointment))

    assert response.status_code == 200
    assert len(response.context["formset"].initial) == course.steps.count()
    assert response.context["form"].initial["performed_at"] == timezone.localtime(
        appointment.starts_at
    )
    page = response.content.decode()
    assert f'data-appointment="{appointment.pk}"' in page
    assert "Logging the session completes the appointment." in page
    assert "data-walk-in" not in page


def test_logging_from_the_appointment_completes_it_and_keeps_the_change(client, therapist, course):
    appointment = appointment_of(course)
    client.force_login(therapist)

    response = client.post(url_of(appointment), session_data(course))

    session = Session.objects.get()
    assert response.url == session.get_absolute_url()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.session) == (Status.COMPLETED, session)
    latest = appointment.history.first()
    assert (latest.status, latest.history_user) == (Status.COMPLETED, therapist)
    # The session's page names the appointment it was performed in.
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'data-appointment="{appointment.pk}"' in page
    assert "Walk-in" not in page


def test_the_form_sent_again_shows_the_session_already_logged(client, therapist, course):
    appointment = appointment_of(course)
    client.force_login(therapist)
    data = session_data(course)
    client.post(url_of(appointment), data)

    again = client.post(url_of(appointment), data)

    assert Session.objects.count() == 1
    assert again.url == Session.objects.get().get_absolute_url()


def test_a_refused_session_leaves_the_appointment_as_it_was(client, therapist, course):
    appointment = appointment_of(course)
    client.force_login(therapist)
    rows = plan_rows(course)
    rows[6] = {**rows[6], "zone": Zone.objects.get(code="kidney_area").pk, "intensity": "deep"}

    response = client.post(url_of(appointment), session_data(course, rows=rows))

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Session.objects.exists()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.session) == (Status.ARRIVED, None)


@pytest.mark.parametrize("status", [Status.BOOKED, Status.NO_SHOW, Status.CANCELLED_BY_CLIENT])
def test_only_an_arrived_client_s_appointment_opens_the_form(client, therapist, course, status):
    appointment = appointment_of(course, status)
    client.force_login(therapist)

    response = client.post(url_of(appointment), session_data(course))

    day = timezone.localtime(appointment.starts_at).date()
    assert response.url == f"{reverse('appointments:day')}?on={day.isoformat()}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Mark the client's arrival before logging the session of the appointment."
    ]
    assert not Session.objects.exists()


def test_an_appointment_changed_meanwhile_refuses_the_whole_logging(therapist, course):
    appointment = appointment_of(course)
    stale = Appointment.objects.get(pk=appointment.pk)
    # Reception marked it a no-show from the front desk while the form was open.
    Appointment.objects.filter(pk=appointment.pk).update(status=Status.NO_SHOW)

    with pytest.raises(ValidationError, match="Mark the client's arrival"):
        session_services.log_session(
            course=course,
            by=therapist,
            performed_at=timezone.now() - datetime.timedelta(hours=1),
            steps=plan_steps(course),
            pain_before=5,
            pain_after=3,
            tolerance="well",
            origin=AppointmentOrigin(stale),
        )

    assert not Session.objects.exists()


def test_a_walk_in_says_so_on_its_form_and_its_page(client, therapist, course):
    client.force_login(therapist)
    url = reverse("sessions_app:session_create", args=[course.client_id, course.pk])

    assert "Walk-in: this session is logged without an appointment." in (
        client.get(url).content.decode()
    )
    client.post(url, session_data(course))
    page = client.get(Session.objects.get().get_absolute_url()).content.decode()
    assert "Walk-in: logged without an appointment." in page


def test_who_may_log_from_an_appointment(client, reception, therapist, course):
    appointment = appointment_of(course)
    client.force_login(reception)  # books and marks arrivals, but does not log sessions
    assert client.get(url_of(appointment)).status_code == 403
    client.force_login(therapist)
    other = treatable_client(first_name="Other")
    wrong_client = reverse("appointments:log_session", args=[other.pk, appointment.pk])
    assert client.get(wrong_client).status_code == 404
