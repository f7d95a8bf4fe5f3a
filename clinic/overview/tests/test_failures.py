"""A database that fails: an honest 503, and nothing half-written."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from clinic.models import Client
from sessions_app.models import Session, SessionStep
from sessions_app.tests.factories import course_for, log, treatable_client


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


def test_a_page_whose_database_fails_answers_503_with_retry_after(
    failing_client, therapist, client_record
):
    failing_client.force_login(therapist)
    with mock.patch(
        "clinic.overview.views.client_for", side_effect=OperationalError("database is locked")
    ):
        response = failing_client.get(client_record.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "it was not saved" in page
    assert "OperationalError" not in page and "Traceback" not in page


def test_a_save_whose_database_fails_answers_503_and_stores_nothing(failing_client, reception):
    failing_client.force_login(reception)
    with mock.patch("clinic.views.register_client", side_effect=OperationalError("disk I/O error")):
        response = failing_client.post(
            reverse("clinic:client_create"),
            {
                "first_name": "Vera",
                "last_name": "Orlova",
                "date_of_birth": "1970-01-01",
                "sex": "female",
                "phone": "+79160000001",
            },
        )
    assert response.status_code == 503
    assert not Client.objects.exists()


def test_a_database_failure_before_the_view_is_a_503_too(failing_client, therapist):
    failing_client.force_login(therapist)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = failing_client.get(reverse("overview:client_list"))
    assert response.status_code == 503


@pytest.mark.django_db
def test_a_session_whose_steps_fail_to_save_leaves_no_trace():
    course = course_for(treatable_client())
    with (
        mock.patch("sessions_app.services.save_steps", side_effect=OperationalError("lost")),
        pytest.raises(OperationalError),
    ):
        log(course)
    assert not Session.objects.exists() and not SessionStep.objects.exists()
    assert log(course).number == 1  # the number was not used up either


def test_sqlite_runs_in_write_ahead_mode_with_a_busy_timeout(tmp_path):
    probe = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    journal, busy_ms = result.stdout.split()[-2:]
    assert journal == "wal"
    assert int(busy_ms) >= 5000
