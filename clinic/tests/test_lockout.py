"""Login throttling: five failures for one username from one address lock that pair out."""

import datetime

from axes.models import AccessAttempt
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a-long-test-password"


def sign_in(browser, username, password):
    return browser.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_username_at_that_address(reception):
    browser = Browser(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        assert sign_in(browser, "reception", "wrong").status_code == 200
    locked = sign_in(browser, "reception", "wrong")
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    # Even the right password is refused while the lock holds.
    assert sign_in(browser, "reception", PASSWORD).status_code == 429


def test_the_lock_holds_only_that_username_from_that_address(reception, therapist):
    attacker = Browser(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        sign_in(attacker, "reception", "wrong")
    assert sign_in(Browser(REMOTE_ADDR="10.0.0.8"), "reception", PASSWORD).status_code == 302
    assert sign_in(attacker, "therapist", PASSWORD).status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(reception):
    browser = Browser(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        sign_in(browser, "reception", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(browser, "reception", PASSWORD).status_code == 302


def test_clinic_admins_see_and_lift_lockouts(client, clinic_admin, reception):
    browser = Browser(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        sign_in(browser, "reception", "wrong")
    client.force_login(clinic_admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "reception" in page.content.decode()
    attempt = AccessAttempt.objects.get()
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert sign_in(browser, "reception", PASSWORD).status_code == 302


def test_behind_a_proxy_the_clients_own_address_is_counted(settings, rf):
    from axes.helpers import get_client_ip_address

    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    request = rf.post(
        "/accounts/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1"
    )
    assert get_client_ip_address(request, use_ipware=True) == "203.0.113.9"
