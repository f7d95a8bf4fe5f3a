"""Taking consent on the screen and on paper: what is stored is exactly what was shown and
signed, and nothing is stored from a refused request."""

import base64
import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessLog
from consent.demo import drawn_signature, rgba_png
from consent.models import Consent, ConsentText, Kind
from consent.services import fill, sha256
from consent.signatures import signature_png
from consent.tests.factories import sample_texts

pytestmark = pytest.mark.django_db


def data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


def blank_png():
    # The pad's canvas before anyone signs: every pixel transparent.
    return rgba_png(bytes(4 * 50 * 20), 50, 20)


DETAILS = {
    "kind": "treatment",
    "language": "en",
    "signed_by": "client",
    "massage_type": "vacuum",
    "method": "screen",
}


def signing(client, client_record, **details):
    """The details posted as the first page sends them; the signing page they lead to."""
    client.post(reverse("consent:take", args=[client_record.pk]), details)
    url = reverse("consent:sign", args=[client_record.pk])
    return url, client.get(url)


def shown_hash(page):
    return page.context["form"].initial["shown_sha256"]


def test_the_signing_page_shows_the_text_in_force_filled_in(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    _url, page = signing(client, client_record, **DETAILS)
    assert page.status_code == 200
    shown = page.context["shown"]
    assert shown.startswith("Informed consent to medical massage\n")
    assert client_record.full_name in shown
    assert "vacuum (cupping)" in shown
    assert "{" not in shown  # every placeholder is filled
    assert shown_hash(page) == hashlib.sha256(shown.encode()).hexdigest()


def test_signing_on_the_screen_keeps_the_exact_text_its_hash_and_both_signatures(
    client, therapist, client_record
):
    sample_texts()
    client.force_login(therapist)
    url, page = signing(client, client_record, **DETAILS)
    response = client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signature": data_url(drawn_signature(1)),
            "countersignature": data_url(drawn_signature(2)),
        },
        REMOTE_ADDR="10.1.2.3",
    )
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response.url == consent.get_absolute_url()
    assert consent.shown_text == page.context["shown"]
    assert consent.shown_text_sha256 == hashlib.sha256(consent.shown_text.encode()).hexdigest()
    assert consent.text == page.context["text"]
    assert consent.kind == Kind.TREATMENT
    assert consent.method == Consent.Method.SCREEN
    assert consent.countersigned_by == therapist
    assert consent.device_address == "10.1.2.3"
    assert consent.signature.read() == drawn_signature(1)
    assert consent.countersignature.read() == drawn_signature(2)
    assert consent.intact
    assert consent.record_sha256 == consent.fingerprint()


def test_a_representative_signs_for_the_client(client, reception, client_record):
    sample_texts()
    client.force_login(reception)
    details = {
        **DETAILS,
        "signed_by": "representative",
        "representative_name": "Anna Smirnova",
        "representative_relationship": "daughter",
    }
    url, page = signing(client, client_record, **details)
    assert "I, Anna Smirnova (daughter), give" in page.context["shown"]
    client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signature": data_url(drawn_signature(1)),
            "countersignature": data_url(drawn_signature(2)),
        },
    )
    consent = Consent.objects.get()
    assert consent.signed_by == Consent.Signer.REPRESENTATIVE
    assert consent.signer_name == "Anna Smirnova (daughter)"


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("", "has not signed"),
        (data_url(blank_png()), "has not signed"),
        ("data:image/png;base64,not base64!", "did not arrive as a drawing"),
        (data_url(b"GIF89a" + b"\0" * 40), "did not arrive as a drawing"),
        ("javascript:alert(1)", "did not arrive as a drawing"),
    ],
)
def test_a_missing_blank_or_forged_signature_is_refused_and_nothing_is_stored(
    client, therapist, client_record, signature, message
):
    sample_texts()
    client.force_login(therapist)
    url, page = signing(client, client_record, **DETAILS)
    response = client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signature": signature,
            "countersignature": data_url(drawn_signature(2)),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_a_text_that_is_not_the_one_shown_is_refused(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    url, page = signing(client, client_record, **DETAILS)
    response = client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": sha256("another text"),
            "signature": data_url(drawn_signature(1)),
            "countersignature": data_url(drawn_signature(2)),
        },
    )
    assert "The text changed while it was on the screen" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_damaged_page_is_told_to_open_the_text_again(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    url, _page = signing(client, client_record, **DETAILS)
    response = client.post(url, {"text": "x", "shown_sha256": ""})
    assert "This page is out of date" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_representatives_name_never_goes_into_an_address(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    details = {
        **DETAILS,
        "signed_by": "representative",
        "representative_name": "Anna Smirnova",
        "representative_relationship": "daughter",
    }
    response = client.post(reverse("consent:take", args=[client_record.pk]), details)
    assert response.url == reverse("consent:sign", args=[client_record.pk])
    page = client.get(response.url).content.decode()
    assert "Anna Smirnova (daughter)" in page
    assert "?" not in response.url and 'action="?' not in page


def test_the_signing_page_without_details_goes_back_to_them(client, therapist, client_record):
    client.force_login(therapist)
    response = client.get(reverse("consent:sign", args=[client_record.pk]))
    assert response.url == reverse("consent:take", args=[client_record.pk])


def test_the_details_say_what_to_fill_in(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    page = client.post(
        reverse("consent:take", args=[client_record.pk]),
        {**DETAILS, "signed_by": "representative", "massage_type": ""},
    )
    form = page.context["form"]
    assert form.errors["representative_name"] == ["Fill this in when a representative signs."]
    assert form.errors["massage_type"] == ["Choose the massage the client consents to."]


def test_without_a_text_in_force_the_page_says_who_writes_one(client, therapist, client_record):
    client.force_login(therapist)
    page = client.post(reverse("consent:take", args=[client_record.pk]), DETAILS)
    assert "a clinic admin writes one in the back office" in page.content.decode()


def test_paper_consent_is_printed_then_kept_with_its_scan(
    client, reception, therapist, client_record
):
    sample_texts()
    client.force_login(reception)
    url, page = signing(client, client_record, **{**DETAILS, "method": "paper"})
    assert page.templates[0].name == "consent/consent_paper.html"
    assert "Date: ____________" in page.context["shown"]  # the signer dates it by hand
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 the signed paper")
    signed_on = timezone.localdate() - datetime.timedelta(days=2)  # scanned two days later
    client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signed_on": signed_on.strftime("%d.%m.%Y"),
            "scan": scan,
            # The therapist signed the paper for the clinic; reception scans it in.
            "countersigned_by": therapist.pk,
        },
    )
    consent = Consent.objects.get()
    assert consent.countersigned_by == therapist
    assert consent.shown_text == page.context["shown"]
    assert consent.signed_on == signed_on
    assert consent.method == Consent.Method.PAPER
    assert consent.scan.read() == b"%PDF-1.4 the signed paper"
    assert client_record.last_name not in consent.scan.name
    assert consent.intact


def test_a_paper_scan_that_is_not_a_scan_is_refused(client, reception, client_record):
    sample_texts()
    client.force_login(reception)
    url, page = signing(client, client_record, **{**DETAILS, "method": "paper"})
    response = client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signed_on": "01.01.2026",
            "scan": SimpleUploadedFile("signed.pdf", b"MZ a program"),
        },
    )
    assert "a Windows program" in response.content.decode()
    assert not Consent.objects.exists()


def test_every_look_at_a_signed_consent_is_in_the_access_log(client, reception, client_record):
    from consent.tests.factories import consent as make_consent

    consent = make_consent(client_record)
    client.force_login(reception)
    for name, args in [
        ("consent:detail", []),
        ("consent:print", []),
        ("consent:file", ["signature"]),
    ]:
        url = reverse(name, args=[client_record.pk, consent.pk, *args])
        assert client.get(url).status_code == 200
    assert list(
        AccessLog.objects.filter(client=client_record).order_by("pk").values_list("view", flat=True)
    ) == ["consent", "consent_print", "consent_file"]


def test_the_printed_copy_carries_the_text_the_signatures_and_the_records_hash(
    client, reception, client_record
):
    from consent.tests.factories import consent as make_consent

    consent = make_consent(client_record)
    client.force_login(reception)
    url = reverse("consent:print", args=[client_record.pk, consent.pk])
    page = client.get(url).content.decode()
    assert consent.record_sha256 in page
    assert "Informed consent to medical massage" in page
    # The signatures are in the page itself, as they were drawn.
    for drawing in (consent.signature, consent.countersignature):
        with drawing.open("rb") as image:
            assert base64.b64encode(image.read()).decode() in page


def test_signature_png_reads_what_the_pad_sends():
    assert signature_png(data_url(drawn_signature(3)), who="X") == drawn_signature(3)


def test_texts_fill_in_their_own_language(client_record):
    texts = {(t.kind, t.language): t for t in sample_texts()}
    details = {"signed_by": "client", "massage_type": "spot", "therapist": None}
    russian = fill(
        texts[Kind.TREATMENT, "ru"],
        client=client_record,
        details=details,
        on=ConsentText.objects.first().in_force_from,
    )
    assert "(вид массажа: точечный массаж (акупрессура))" in russian
    assert "Дата: 1 января 2000" in russian


def test_a_signing_page_sent_twice_keeps_one_consent(client, therapist, client_record):
    sample_texts()
    client.force_login(therapist)
    url, page = signing(client, client_record, **DETAILS)
    posted = {
        "text": page.context["text"].pk,
        "form_token": page.context["form"].initial["form_token"],
        "shown_sha256": shown_hash(page),
        "signature": data_url(drawn_signature(1)),
        "countersignature": data_url(drawn_signature(2)),
    }
    first, second = client.post(url, posted), client.post(url, posted)
    assert first.url == second.url == Consent.objects.get().get_absolute_url()


def test_a_posted_text_other_than_the_one_shown_is_refused(client, therapist, client_record):
    texts = sample_texts()
    client.force_login(therapist)
    url, page = signing(
        client, client_record, **{**DETAILS, "kind": "personal_data", "massage_type": ""}
    )
    treatment = texts.get(kind=Kind.TREATMENT, language="en")
    response = client.post(
        url,
        {
            "text": treatment.pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": sha256(
                fill(treatment, client=client_record, details=page.context["details"], on=None)
            ),
            "signature": data_url(drawn_signature(1)),
            "countersignature": data_url(drawn_signature(2)),
        },
    )
    assert "This page is out of date" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_png_with_a_broken_header_is_refused_not_an_error(client, therapist, client_record):
    import struct
    import zlib

    body = b"\0" * 5  # an IHDR of 5 bytes instead of 13
    broken = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(body))
        + b"IHDR"
        + body
        + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    )
    sample_texts()
    client.force_login(therapist)
    url, page = signing(client, client_record, **DETAILS)
    response = client.post(
        url,
        {
            "text": page.context["text"].pk,
            "form_token": page.context["form"].initial["form_token"],
            "shown_sha256": shown_hash(page),
            "signature": data_url(broken),
            "countersignature": data_url(drawn_signature(2)),
        },
    )
    assert response.status_code == 200
    assert "did not arrive as a drawing" in response.content.decode()
