"""Passwords, sessions and the headers every page with client data carries."""

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from clinic import settings as clinic_settings

PASSWORD = "a-long-test-password"


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = clinic_settings.PASSWORD_HASHERS
    assert make_password("lumbar-sacral-2026").startswith("argon2$")


def signed_in(user):
    browser = Browser()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_session_ends_after_thirty_idle_minutes(reception):
    browser = signed_in(reception)
    assert browser.get(reverse("overview:client_list")).status_code == 200
    stored = Session.objects.get()
    assert stored.expire_date - timezone.now() <= datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = browser.get(reverse("overview:client_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_each_request_renews_the_idle_time(reception):
    browser = signed_in(reception)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    browser.get(reverse("overview:client_list"))
    assert Session.objects.get().expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_the_session_cookie_dies_with_the_browser(reception):
    browser = signed_in(reception)
    cookie = browser.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


def test_a_password_change_signs_out_every_other_session(reception):
    here, elsewhere = signed_in(reception), signed_in(reception)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "lumbar-2026-new",
            "new_password2": "lumbar-2026-new",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("overview:client_list")).status_code == 200
    assert elsewhere.get(reverse("overview:client_list")).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(
    client, therapist, client_record
):
    client.force_login(therapist)
    response = client.get(client_record.get_absolute_url())
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "<script>" not in response.content.decode()  # every script is a file


def test_pages_with_client_data_are_never_stored(client, therapist, client_record):
    client.force_login(therapist)
    for url in [
        client_record.get_absolute_url(),
        reverse("overview:client_list"),
        reverse("overview:client_print", args=[client_record.pk]),
    ]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_the_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_post_needs_the_csrf_token(reception, client_record):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(reception)
    response = browser.post(reverse("clinic:client_archive", args=[client_record.pk]))
    assert response.status_code == 403
    client_record.refresh_from_db()
    assert not client_record.is_archived
