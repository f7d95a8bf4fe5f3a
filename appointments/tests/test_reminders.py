"""The day-before reminders: to the clients who agreed, in their language, without medical
data, and once however often the command runs."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from appointments.models import Status
from appointments.reminders import tomorrow
from appointments.services import book, change_status
from sessions_app.tests.factories import course_for, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrows(week, therapist, clinic_admin):
    day = tomorrow()

    def booking(client, hour):
        course = course_for(client, by=therapist, start_days_ago=3)
        return book(
            client=client,
            therapist=therapist,
            course=course,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
            by=clinic_admin,
            override_reason="Tomorrow may be a weekend.",
            room=week[0],
        )

    russian = treatable_client(
        first_name="Мария", email="maria@example.org", reminders=True, language="ru"
    )
    english = treatable_client(first_name="Anna", email="anna@example.org", reminders=True)
    declined = treatable_client(first_name="Olga", email="olga@example.org", reminders=False)
    cancelled = treatable_client(first_name="Irina", email="irina@example.org", reminders=True)
    booking(russian, 10)
    booking(english, 11)
    booking(declined, 12)
    change_status(
        appointment=booking(cancelled, 13), status=Status.CANCELLED_BY_CLIENT, by=therapist
    )
    return day


def test_reminders_go_once_to_those_who_agreed_in_their_language(tomorrows, capsys):
    call_command("send_reminders")
    assert "2 reminder(s) sent" in capsys.readouterr().out
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"maria@example.org", "anna@example.org"}
    assert "Здравствуйте, Мария." in by_address["maria@example.org"].body
    assert "Hello, Anna." in by_address["anna@example.org"].body
    assert "Room 1." in by_address["anna@example.org"].body
    call_command("send_reminders")
    assert "0 reminder(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_a_reminder_holds_no_medical_data(tomorrows):
    call_command("send_reminders")
    for message in mail.outbox:
        text = (message.subject + message.body).lower()
        for medical in ("massage", "массаж", "course", "курс", "session", "сеанс", "pain", "lumb"):
            assert medical not in text, medical


def test_the_command_says_what_a_bad_day_is():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", day="tomorrow")


def test_reminders_need_the_clients_e_mail(client, reception):
    from django.urls import reverse

    client.force_login(reception)
    page = client.post(
        reverse("clinic:client_create"),
        {
            "last_name": "Orlova",
            "first_name": "Vera",
            "date_of_birth": "01.02.1980",
            "sex": "female",
            "phone": "+7 916 123-45-67",
            "reminders": "on",
            "email": "",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors["email"] == ["Enter the e-mail the reminders go to."]
