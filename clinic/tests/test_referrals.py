import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clinic.lib.scans import MAX_SCAN_BYTES
from clinic.models import ReferralNote
from clinic.services import file_referral
from clinic.tests.factories import ClientFactory, ReferralNoteFactory

TODAY = timezone.localdate()
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def note_data(**changes):
    data = {
        "specialist_name": "Dr I. V. Petrov",
        "specialty": "vertebrologist",
        "consult_date": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "diagnosis": "Lumbar osteochondrosis, L4-L5 protrusion",
        "icd10": "m42.1",
        "stage": "chronic",
        "decision": "cleared",
        "restrictions": "",
        "valid_until": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def new_note_url(client_record):
    return reverse("clinic:referral_create", args=[client_record.pk])


def test_reception_files_a_clearance_that_holds_for_the_default_period(
    client, reception, client_record, new_note_url
):
    client.force_login(reception)

    response = client.post(new_note_url, note_data())

    note = ReferralNote.objects.get()
    # Back to the client, whose page offers the next step.
    assert response.url == client_record.get_absolute_url()
    assert note.client == client_record
    assert note.recorded_by == reception
    assert note.icd10 == "M42.1"
    assert note.valid_until == TODAY - datetime.timedelta(days=3) + datetime.timedelta(days=90)
    assert note.history.get().history_user == reception


def test_the_default_period_is_a_clinic_setting(client, reception, new_note_url, settings):
    settings.CLINIC_REFERRAL_VALID_DAYS = 30
    client.force_login(reception)
    client.post(new_note_url, note_data())
    assert ReferralNote.objects.get().valid_until == TODAY + datetime.timedelta(days=27)


def test_editing_a_note_keeps_its_history(client, reception, client_record):
    note = ReferralNoteFactory(client=client_record)
    client.force_login(reception)
    url = reverse("clinic:referral_edit", args=[client_record.pk, note.pk])

    client.post(
        url,
        note_data(
            decision="restricted",
            restrictions="No deep kneading",
            valid_until=note.valid_until.isoformat(),
            correction_reason="The letter sets restrictions; missed at filing.",
        ),
    )

    note.refresh_from_db()
    assert note.decision == "restricted"
    assert note.history.count() == 2
    page = client.get(note.get_absolute_url()).content.decode()
    changed = page[page.index("Changed: ") :].split("<", 1)[0]
    assert "decision" in changed
    assert "restrictions" in changed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"consult_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "consult_date",
            "in the future",
        ),
        (
            {"valid_until": (TODAY - datetime.timedelta(days=10)).isoformat()},
            "valid_until",
            "cannot end before the consult date",
        ),
        (
            {"decision": "restricted", "restrictions": "  "},
            "restrictions",
            "Write the restrictions",
        ),
        ({"restrictions": "No vibration"}, "restrictions", "choose 'Cleared with restrictions'"),
        ({"icd10": "L4L5"}, "icd10", "Enter an ICD-10 code"),
        ({"decision": "maybe"}, "decision", "Select a valid choice"),
        ({"specialist_name": ""}, "specialist_name", "required"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_stored(
    client, reception, new_note_url, changes, field, message
):
    client.force_login(reception)
    response = client.post(new_note_url, note_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert ReferralNote.objects.count() == 0


# --- the scan of the letter ----------------------------------------------------------------


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [("letter.PDF", PDF, "application/pdf"), ("photo.pdf", PNG, "image/png")],
)
def test_a_scan_is_stored_privately_and_served_by_its_content(
    client, reception, therapist, new_note_url, name, content, served_as, settings
):
    client.force_login(reception)
    client.post(new_note_url, {**note_data(), "scan": upload(name, content)})
    note = ReferralNote.objects.get()
    assert note.scan.path.startswith(str(settings.MEDIA_ROOT))
    assert name.split(".")[0] not in note.scan.name  # the stored name says nothing about the client

    client.force_login(therapist)
    response = client.get(reverse("clinic:referral_scan", args=[note.client_id, note.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == served_as
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Cache-Control"] == "no-store, private"
    # Images are sandboxed; PDFs go to the browser's viewer, which refuses sandboxed files.
    assert response.get("Content-Security-Policy") == (
        None if served_as == "application/pdf" else "sandbox"
    )
    assert b"".join(response.streaming_content) == content


def test_a_renamed_program_is_refused_with_a_clear_message(client, reception, new_note_url):
    client.force_login(reception)
    response = client.post(new_note_url, {**note_data(), "scan": upload("letter.pdf", EXE)})
    errors = response.context["form"].errors["scan"]
    assert errors == [
        "This file is a Windows program, not a PDF, JPEG or PNG scan, whatever its name says. "
        "Scan the letter again as PDF, JPEG or PNG."
    ]
    assert ReferralNote.objects.count() == 0


def test_a_fake_pdf_is_refused(client, reception, new_note_url):
    client.force_login(reception)
    response = client.post(
        new_note_url, {**note_data(), "scan": upload("letter.pdf", b"just text")}
    )
    assert "not a PDF, JPEG or PNG" in response.context["form"].errors["scan"][0]
    assert ReferralNote.objects.count() == 0


def test_a_scan_over_ten_megabytes_is_refused(client, reception, new_note_url):
    client.force_login(reception)
    big = PDF + b"0" * (MAX_SCAN_BYTES + 1 - len(PDF))
    response = client.post(new_note_url, {**note_data(), "scan": upload("letter.pdf", big)})
    assert "the limit is 10 MB" in response.context["form"].errors["scan"][0]
    assert ReferralNote.objects.count() == 0


@pytest.fixture
def scanned_note(client_record):
    return ReferralNoteFactory(client=client_record, scan=upload("letter.pdf", PDF))


@pytest.mark.parametrize("role", ["reception", "therapist", "clinic_admin"])
def test_every_role_that_reads_referrals_may_open_the_scan(client, request, scanned_note, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("clinic:referral_scan", args=[scanned_note.client_id, scanned_note.pk])
    assert client.get(url).status_code == 200


def test_a_user_without_a_role_gets_403_and_anonymous_is_sent_to_log_in(
    client, no_role, scanned_note
):
    url = reverse("clinic:referral_scan", args=[scanned_note.client_id, scanned_note.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    client.force_login(no_role)
    assert client.get(url).status_code == 403


def test_a_note_cannot_be_reached_through_another_clients_url(client, reception, scanned_note):
    other = ReferralNoteFactory()
    client.force_login(reception)
    url = reverse("clinic:referral_scan", args=[other.client_id, scanned_note.pk])
    assert client.get(url).status_code == 404


def test_the_scan_has_no_public_url(client, reception, scanned_note):
    client.force_login(reception)
    assert client.get("/" + scanned_note.scan.name).status_code == 404
    assert client.get("/media/" + scanned_note.scan.name).status_code == 404


def test_an_impossible_consult_date_is_a_message_not_a_crash(client, reception, new_note_url):
    client.force_login(reception)
    response = client.post(new_note_url, note_data(consult_date="9999-12-31"))
    assert response.status_code == 200
    assert "in the future" in response.context["form"].errors["consult_date"][0]
    assert ReferralNote.objects.count() == 0


def test_the_edit_form_neither_links_the_stored_file_nor_offers_to_clear_it(
    client, reception, scanned_note
):
    client.force_login(reception)
    page = client.get(
        reverse("clinic:referral_edit", args=[scanned_note.client_id, scanned_note.pk])
    )
    html = page.content.decode()
    assert scanned_note.scan.name not in html
    assert "scan-clear" not in html
    assert "A scan is stored" in html


def test_replacing_a_scan_keeps_the_earlier_one_in_history(client, reception, scanned_note):
    earlier = scanned_note.scan.name
    client.force_login(reception)
    data = note_data(
        consult_date=scanned_note.consult_date.isoformat(),
        valid_until=scanned_note.valid_until.isoformat(),
        correction_reason="A clearer scan of the same letter.",
    )
    client.post(
        reverse("clinic:referral_edit", args=[scanned_note.client_id, scanned_note.pk]),
        {**data, "scan": upload("new.png", PNG)},
    )
    scanned_note.refresh_from_db()
    assert scanned_note.scan.name != earlier
    assert scanned_note.history.earliest().scan == earlier
    assert scanned_note.scan.storage.exists(earlier)


def test_notes_of_an_archived_client_cannot_be_edited(client, reception, scanned_note):
    scanned_note.client.archive()
    client.force_login(reception)
    url = reverse("clinic:referral_edit", args=[scanned_note.client_id, scanned_note.pk])
    response = client.post(url, note_data(decision="not_cleared"), follow=True)
    assert "is archived; restore it to add or change anything" in response.content.decode()
    scanned_note.refresh_from_db()
    assert scanned_note.decision == "cleared"


def test_a_scan_missing_from_storage_is_a_404_not_a_crash(client, reception, scanned_note):
    scanned_note.scan.storage.delete(scanned_note.scan.name)
    client.force_login(reception)
    url = reverse("clinic:referral_scan", args=[scanned_note.client_id, scanned_note.pk])
    assert client.get(url).status_code == 404


def test_the_back_office_files_no_note_for_an_archived_client(admin_client_, client_record):
    client_record.archive()
    response = admin_client_.post(
        reverse("admin:clinic_referralnote_add"), {**note_data(), "client": client_record.pk}
    )
    assert response.status_code == 200
    assert "is archived; restore it to add or change anything" in response.content.decode()
    assert not ReferralNote.objects.exists()


def test_the_back_office_files_a_note_through_the_same_service(
    admin_client_, clinic_admin, monkeypatch
):
    filed = []
    monkeypatch.setattr(
        "clinic.admin.file_referral", lambda **kwargs: filed.append(file_referral(**kwargs))
    )
    person = ClientFactory()
    response = admin_client_.post(
        reverse("admin:clinic_referralnote_add"), {**note_data(), "client": person.pk}
    )
    assert response.status_code == 302
    note = ReferralNote.objects.get()
    assert filed == [note]
    assert (note.recorded_by, note.history.get().history_user) == (clinic_admin, clinic_admin)


def test_a_correction_says_why_and_keeps_the_old_values_beside_the_new(
    client, reception, client_record
):
    note = ReferralNoteFactory(client=client_record, decision="cleared")
    client.force_login(reception)
    url = reverse("clinic:referral_edit", args=[client_record.pk, note.pk])
    data = note_data(decision="not_cleared", valid_until=note.valid_until.isoformat())

    refused = client.post(url, data)
    assert refused.context["form"].has_error("correction_reason", code="correction_reason")
    note.refresh_from_db()
    assert note.decision == "cleared"

    client.post(url, {**data, "correction_reason": "The letter says not cleared."})
    note.refresh_from_db()
    assert note.decision == "not_cleared"
    assert note.history.latest().history_change_reason == "The letter says not cleared."
    page = client.get(note.get_absolute_url()).content.decode()
    assert "Reason: The letter says not cleared." in page
    assert "Decision: was Cleared for manual therapy, now Not cleared" in page


def test_the_back_office_corrects_a_note_only_with_a_reason(admin_client_, client_record):
    note = ReferralNoteFactory(client=client_record, decision="cleared")
    url = reverse("admin:clinic_referralnote_change", args=[note.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, "")
    }
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data.pop("scan", None)
    admin_client_.post(url, {**data, "decision": "not_cleared"})
    note.refresh_from_db()
    assert note.decision == "cleared"
    admin_client_.post(url, {**data, "decision": "not_cleared", "correction_reason": "Misfiled"})
    note.refresh_from_db()
    assert note.decision == "not_cleared"
    assert note.history.latest().history_change_reason == "Misfiled"
