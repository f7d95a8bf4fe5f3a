"""Two-factor sign-in (TOTP) for the back office."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def pending_device(client, user):
    """The authenticator being set up: its secret waits in the session until confirmed."""
    return TOTPDevice(user=user, key=client.session["pending_totp_secret"])


@pytest.fixture
def required(settings):
    settings.CLINIC_ADMIN_2FA = True


def test_without_an_authenticator_the_back_office_sends_an_admin_to_set_one_up(
    client, clinic_admin, required
):
    client.force_login(clinic_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))
    setup = client.get(response.url)
    page = setup.content.decode()
    assert "<svg" in page
    assert setup.context["secret"] in page


def test_enrolment_with_a_wrong_then_a_right_code_opens_the_back_office(
    client, clinic_admin, required, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no growing wait after the wrong code, for the test
    client.force_login(clinic_admin)
    setup = client.get(reverse("two_factor_setup"))
    device = pending_device(client, clinic_admin)
    assert setup.context["secret"] and not TOTPDevice.objects.exists()

    wrong = client.post(
        reverse("two_factor_setup"),
        {"token": "000000" if code_of(device) != "000000" else "111111"},
    )
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302

    right = client.post(reverse("two_factor_setup"), {"token": code_of(device)})
    assert right.status_code == 302
    assert TOTPDevice.objects.get(user=clinic_admin).confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_each_new_sign_in_asks_for_the_code_again(client, clinic_admin, required):
    device = TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client.force_login(clinic_admin)
    asked = client.get(reverse("admin:index"))
    assert asked.url.startswith(reverse("two_factor_verify"))
    refused = client.post(reverse("two_factor_verify"), {"token": "12345x", "next": "/admin/"})
    assert "Enter the 6 digits" in refused.content.decode()
    passed = client.post(
        reverse("two_factor_verify"), {"token": code_of(device), "next": "/admin/"}
    )
    assert passed.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_alone_cannot_replace_the_authenticator(client, clinic_admin, required):
    TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client.force_login(clinic_admin)
    response = client.get(reverse("two_factor_setup") + "?renew=1")
    assert response.url.startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=clinic_admin).count() == 1


def test_the_next_address_must_stay_on_the_site(client, clinic_admin, required):
    device = TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client.force_login(clinic_admin)
    response = client.post(
        reverse("two_factor_verify"), {"token": code_of(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("admin:index")


def test_when_switched_off_the_password_is_enough(client, clinic_admin, settings):
    settings.CLINIC_ADMIN_2FA = False
    client.force_login(clinic_admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_is_on_by_default_in_production():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLINIC_"))},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
    }
    probe = "from django.conf import settings; print(settings.CLINIC_ADMIN_2FA)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_wrong_codes_in_a_row_make_the_next_try_wait(client, clinic_admin, required):
    device = TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client.force_login(clinic_admin)
    client.post(reverse("two_factor_verify"), {"token": "000001"})
    response = client.post(reverse("two_factor_verify"), {"token": code_of(device)})
    assert "Too many wrong codes in a row" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_each_visit_of_the_setup_page_shows_a_fresh_secret(client, clinic_admin, required):
    client.force_login(clinic_admin)
    first = client.get(reverse("two_factor_setup")).context["secret"]
    second = client.get(reverse("two_factor_setup")).context["secret"]
    assert first != second
    assert not TOTPDevice.objects.exists()  # nothing stored before a code confirms it


def test_the_clinic_wide_export_asks_for_the_code_too(client, clinic_admin, required):
    TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client.force_login(clinic_admin)
    for name in ("overview:sessions_export", "overview:clinic_sessions_csv"):
        response = client.get(reverse(name), {"date_from": "2026-01-01", "date_to": "2026-01-02"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_verify"))
