"""A locked table, a slow database or a huge upload never hangs a worker: each ends at once in
a page that says what happened."""

import socket
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lock and statement timeouts are PostgreSQL's"
)


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, reception, settings):
    client.force_login(reception)
    url = reverse("clinic:client_create")
    too_much = str(settings.CLINIC_MAX_REQUEST_BYTES + 1)
    # The body sent is small; were it read up to the length claimed, the test client's
    # payload would raise.
    response = client.post(url, {"first_name": "X"}, CONTENT_LENGTH=too_much)
    assert response.status_code == 413
    assert "11.0" in response.content.decode()  # the limit, in MB
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    assert "no-store" in response["Cache-Control"]
    assert client.post(url, {"first_name": "X"}).status_code == 200  # a normal one is read


def test_a_body_at_the_limit_is_read(client, reception, settings):
    settings.CLINIC_MAX_REQUEST_BYTES = 2000
    client.force_login(reception)
    response = client.post(reverse("clinic:client_create"), {"first_name": "X" * 40})
    assert response.status_code == 200


@pytest.fixture
def lock_timeout():
    """New connections wait at most 300 ms for a lock (the clinic's default is 5 s)."""
    options = connection.settings_dict["OPTIONS"]
    saved = options["options"]
    options["options"] = "-c lock_timeout=300 -c statement_timeout=2000"
    connection.close()
    yield
    options["options"] = saved
    connection.close()


def locked(table):
    """Another connection holding `table` locked, as a stuck migration or a long report would."""
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        host=db.get("HOST") or "localhost",
        port=db.get("PORT") or 5432,
        password=db.get("PASSWORD") or None,
    )
    other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return other


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_locked_table_ends_in_the_503_page_not_a_hung_worker(client, reception, lock_timeout):
    client.force_login(reception)
    client.raise_request_exception = False
    other = locked("django_session")
    try:
        response = client.get(reverse("overview:client_list"))
    finally:
        other.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_health_check_answers_503_when_the_database_is_slow(client, monkeypatch):
    monkeypatch.setattr("clinic.views.HEALTH_QUERY", "SELECT pg_sleep(10)")
    monkeypatch.setattr("clinic.views.HEALTH_TIMEOUT_MS", 200)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_health_check_gives_up_on_a_server_that_never_answers(client, monkeypatch):
    # A listener that takes the connection and says nothing, as a hung server would.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    monkeypatch.setattr("clinic.views.HEALTH_TIMEOUT_MS", 1000)
    try:
        with mock.patch.dict(
            connection.settings_dict, {"HOST": "127.0.0.1", "PORT": silent.getsockname()[1]}
        ):
            response = client.get(reverse("healthz"))
    finally:
        silent.close()
    assert response.status_code == 503
