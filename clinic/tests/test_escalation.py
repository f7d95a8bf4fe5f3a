"""A clinic admin runs the back office but cannot raise their own rights, read anyone's second
factor, or remove anyone; odd ids and long usernames are answered, never a 500."""

import importlib
import stat
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles
from clinic.tests.factories import ReferralNoteFactory


def test_a_clinic_admin_cannot_give_their_role_more_permissions(admin_client_, clinic_admin):
    own = Group.objects.get(name=roles.CLINIC_ADMIN)
    everything = list(Permission.objects.values_list("pk", flat=True))
    admin_client_.post(
        reverse("admin:auth_group_change", args=[own.pk]),
        {"name": own.name, "permissions": everything},
    )
    assert own.permissions.count() == len(roles.PERMISSIONS[roles.CLINIC_ADMIN])
    clinic_admin = type(clinic_admin).objects.get(pk=clinic_admin.pk)  # permissions anew
    assert not clinic_admin.has_perm("otp_totp.view_totpdevice")


@pytest.fixture
def superuser_made_group(db):
    it = Group.objects.create(name="IT")
    it.permissions.set(Permission.objects.all())
    return it


def test_a_clinic_admin_gives_roles_and_nothing_else(
    admin_client_, therapist, superuser_made_group
):
    url = reverse("admin:clinic_user_change", args=[therapist.pk])
    offered = admin_client_.get(url).context["adminform"].form.fields["groups"].queryset
    assert set(offered.values_list("name", flat=True)) == set(roles.ALL)


def test_nobody_but_a_superuser_sees_authenticator_secrets(
    admin_client_, clinic_admin, django_user_model, settings
):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    for url in (
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
    ):
        assert admin_client_.get(url).status_code == 403
    assert "otp_totp" not in admin_client_.get(reverse("admin:index")).content.decode()
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is True


def test_nobody_is_deleted_a_superuser_least_of_all(admin_client_, django_user_model, therapist):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    for user in (root, therapist):
        url = reverse("admin:clinic_user_delete", args=[user.pk])
        assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    assert django_user_model.objects.filter(pk__in=[root.pk, therapist.pk]).count() == 2


@pytest.mark.django_db
def test_a_username_longer_than_any_is_refused_not_a_crash(client):
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "anything"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize("model", ["client", "referralnote"])
@pytest.mark.parametrize("bad", ["1.0", "abc", "1%2E0", "99999999999999999999999"])
def test_an_id_that_cannot_be_one_is_a_404_in_the_history(admin_client_, client_record, model, bad):
    ReferralNoteFactory(client=client_record)
    url = f"/admin/clinic/{model}/{bad}/history/"
    assert admin_client_.get(url).status_code == 404
    assert (
        admin_client_.get(f"/admin/clinic/{model}/{client_record.pk}/history/{bad}/").status_code
        == 404
    )


def test_scans_are_stored_for_the_app_alone(client_record):
    note = ReferralNoteFactory(
        client=client_record, scan=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 a letter")
    )
    scan = Path(note.scan.path)
    assert stat.S_IMODE(scan.stat().st_mode) == 0o600
    assert stat.S_IMODE(scan.parent.stat().st_mode) == 0o700


def test_scans_stored_before_are_made_private_by_the_migration(tmp_path):
    private_scans = importlib.import_module("clinic.migrations.0004_private_scans")
    old = tmp_path / "media" / "referral-scans"
    old.mkdir(parents=True)
    (old / "letter.pdf").write_bytes(b"%PDF-1.4")
    old.chmod(0o755)
    (old / "letter.pdf").chmod(0o644)
    private_scans.make_private(tmp_path / "media")
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    assert stat.S_IMODE((old / "letter.pdf").stat().st_mode) == 0o600


def test_saving_a_user_keeps_the_groups_a_superuser_gave(
    admin_client_, therapist, superuser_made_group
):
    therapist.groups.add(superuser_made_group)
    url = reverse("admin:clinic_user_change", args=[therapist.pk])
    joined = timezone.localtime(therapist.date_joined)
    response = admin_client_.post(
        url,
        {
            "username": therapist.username,
            "first_name": "Renamed",
            "last_name": therapist.last_name,
            "is_active": "on",
            # The browser sends what the form offers: the roles.
            "groups": [Group.objects.get(name=roles.THERAPIST).pk],
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.first_name == "Renamed"
    assert set(therapist.groups.values_list("name", flat=True)) == {roles.THERAPIST, "IT"}
