"""The pages around the records: sign-in, error pages, and static files served locally."""

import re

from django.test import override_settings
from django.urls import reverse


def test_every_stylesheet_and_script_is_served_by_the_app_not_a_cdn(client, db):
    page = client.get(reverse("login")).content.decode()
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', page)
    assert assets, "the page should load Bootstrap"
    for asset in assets:
        assert asset.startswith("/static/"), asset


def test_signing_in_leads_to_the_start_page(client, reception):
    response = client.post(
        reverse("login"), {"username": "reception", "password": "a-long-test-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("overview:home")
    assert "Recently registered" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, reception):
    response = client.post(reverse("login"), {"username": "reception", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_logging_out_needs_a_post_and_ends_the_session(client, reception):
    client.force_login(reception)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("overview:home")).status_code == 302


def test_changing_the_password(client, reception):
    client.force_login(reception)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": "lumbar-sacral-2026",
            "new_password2": "lumbar-sacral-2026",
        },
    )
    assert response.url == reverse("password_change_done")
    reception.refresh_from_db()
    assert reception.check_password("lumbar-sacral-2026")


def test_the_404_page_is_in_the_app_style(client, reception):
    client.force_login(reception)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_the_500_page_is_in_the_app_style_without_details(
    client, reception, client_record, monkeypatch
):
    client.raise_request_exception = False
    client.force_login(reception)
    monkeypatch.setattr("clinic.views.render", lambda *a, **k: 1 / 0)
    response = client.get(reverse("clinic:referral_create", args=[client_record.pk]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "ZeroDivisionError" not in page
