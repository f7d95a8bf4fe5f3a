"""Fixtures shared by every app's tests: one user per role, and one without a role; a bucket of
object storage (moto) that the scans go to."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from clinic import roles
from clinic.tests.factories import ClientFactory, UserFactory


def user_with_role(username, role):
    user = UserFactory(username=username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test's rows leave their ids free
    for the next, and their rendered fragments (clinic.lib.fragments) must not outlive them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reception(db):
    return user_with_role("reception", roles.RECEPTION)


@pytest.fixture
def therapist(db):
    return user_with_role("therapist", roles.THERAPIST)


@pytest.fixture
def clinic_admin(db):
    return user_with_role("clinic-admin", roles.CLINIC_ADMIN)


@pytest.fixture
def no_role(db):
    return user_with_role("no-role", None)


@pytest.fixture
def admin_client_(client, clinic_admin):
    """The test browser, signed in as a clinic admin (pytest-django's admin_client is a
    superuser)."""
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def client_record(db, reception):
    """A registered client (named so as not to shadow pytest-django's HTTP `client`)."""
    return ClientFactory(registered_by=reception)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Uploaded scans go to a folder of the test's own, never into the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(settings):
    """The tests read the pages in English, whatever the clinic's default (CLINIC_LANGUAGE);
    the tests of the Russian pages choose Russian themselves."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def s3_bucket(settings, tmp_path):
    """The bucket, private as the README asks for, with the settings that CLINIC_S3_BUCKET
    gives (a boto3 Bucket); MEDIA_ROOT points at an empty folder to show nothing lands there."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        bucket = boto3.resource("s3", region_name="us-east-1").create_bucket(Bucket="scans")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "scans",
                    "region_name": "us-east-1",
                    "file_overwrite": False,
                    "default_acl": None,
                },
            },
        }
        settings.MEDIA_ROOT = tmp_path
        yield bucket
