"""A consent's drawn signatures on S3-compatible object storage (CLINIC_S3_BUCKET), as several
app servers keep them, read back through the role-checked view."""

from django.urls import reverse

from clinic.tests.test_object_storage import keys
from consent.tests.factories import consent


def test_a_consents_signatures_go_to_the_bucket_and_are_read_back_from_it(
    s3_bucket, client, therapist, client_record
):
    signed = consent(client_record)

    assert keys(s3_bucket) == sorted([signed.signature.name, signed.countersignature.name])
    client.force_login(therapist)
    response = client.get(reverse("consent:file", args=[client_record.pk, signed.pk, "signature"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    stored = s3_bucket.Object(signed.signature.name).get()["Body"].read()
    assert b"".join(response.streaming_content) == stored
