"""Scans and signatures on S3-compatible object storage (CLINIC_S3_BUCKET), as several app
servers keep them: stored in the bucket, never on this server's disk, private there, and read
only through the views that check the user's role.

moto stands in for the store, in process; `make scaleout` runs the same against moto's server
with two app servers.
"""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from clinic.models import ReferralNote
from clinic.tests.factories import ReferralNoteFactory
from clinic.tests.test_referrals import PDF, note_data, upload
from consent.tests.factories import consent

BUCKET = "clinic-scans"
EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def bucket(settings, tmp_path):
    """The bucket, private as the README asks for, with the settings that CLINIC_S3_BUCKET
    gives; MEDIA_ROOT points at an empty folder to show nothing lands there."""
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "file_overwrite": False,
                    "default_acl": None,
                },
            },
        }
        settings.MEDIA_ROOT = tmp_path
        yield s3


def keys(s3):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_referral_scan_goes_to_the_bucket_and_is_served_only_through_the_role_checked_view(
    bucket, client, reception, therapist, no_role, client_record, tmp_path
):
    client.force_login(reception)
    url = reverse("clinic:referral_create", args=[client_record.pk])
    assert client.post(url, {**note_data(), "scan": upload("letter.pdf", PDF)}).status_code == 302
    note = ReferralNote.objects.get()

    assert keys(bucket) == [note.scan.name]
    assert list(tmp_path.iterdir()) == []
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=note.scan.name)["Grants"]
    assert all(grant["Grantee"].get("URI") != EVERYONE for grant in grants)

    scan_url = reverse("clinic:referral_scan", args=[note.client_id, note.pk])
    client.force_login(therapist)
    response = client.get(scan_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(no_role)
    assert client.get(scan_url).status_code == 403


def test_a_second_scan_of_the_same_name_never_replaces_the_first(bucket, client_record):
    first = ReferralNoteFactory(client=client_record, scan=upload("letter.pdf", PDF))
    second = ReferralNoteFactory(client=client_record, scan=upload("letter.pdf", b"%PDF-2"))
    assert first.scan.name != second.scan.name
    assert sorted(keys(bucket)) == sorted([first.scan.name, second.scan.name])
    assert first.scan.storage.open(first.scan.name).read() == PDF


def test_a_consents_signatures_go_to_the_bucket_and_are_read_back_from_it(
    bucket, client, therapist, client_record
):
    signed = consent(client_record)

    assert sorted(keys(bucket)) == sorted([signed.signature.name, signed.countersignature.name])
    client.force_login(therapist)
    response = client.get(reverse("consent:file", args=[client_record.pk, signed.pk, "signature"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    stored = bucket.get_object(Bucket=BUCKET, Key=signed.signature.name)["Body"].read()
    assert b"".join(response.streaming_content) == stored
