"""Scans and signatures on S3-compatible object storage (CLINIC_S3_BUCKET), as several app
servers keep them: stored in the bucket, never on this server's disk, private there, and read
only through the views that check the user's role. (The consents' signatures:
consent/tests/test_object_storage.py.)

moto stands in for the store, in process; `make scaleout` runs the same against moto's server
with two app servers.
"""

from django.urls import reverse

from clinic.models import ReferralNote
from clinic.tests.factories import ReferralNoteFactory
from clinic.tests.test_referrals import PDF, note_data, upload

EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers"


def keys(bucket):
    return sorted(stored.key for stored in bucket.objects.all())


def test_a_referral_scan_goes_to_the_bucket_and_is_served_only_through_the_role_checked_view(
    s3_bucket, client, reception, therapist, no_role, client_record, tmp_path
):
    client.force_login(reception)
    url = reverse("clinic:referral_create", args=[client_record.pk])
    assert client.post(url, {**note_data(), "scan": upload("letter.pdf", PDF)}).status_code == 302
    note = ReferralNote.objects.get()

    assert keys(s3_bucket) == [note.scan.name]
    assert list(tmp_path.iterdir()) == []
    grants = s3_bucket.Object(note.scan.name).Acl().grants
    assert all(grant["Grantee"].get("URI") != EVERYONE for grant in grants)

    scan_url = reverse("clinic:referral_scan", args=[note.client_id, note.pk])
    client.force_login(therapist)
    response = client.get(scan_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(no_role)
    assert client.get(scan_url).status_code == 403


def test_a_second_scan_of_the_same_name_never_replaces_the_first(s3_bucket, client_record):
    first = ReferralNoteFactory(client=client_record, scan=upload("letter.pdf", PDF))
    second = ReferralNoteFactory(client=client_record, scan=upload("letter.pdf", b"%PDF-2"))
    assert first.scan.name != second.scan.name
    assert keys(s3_bucket) == sorted([first.scan.name, second.scan.name])
    assert first.scan.storage.open(first.scan.name).read() == PDF
