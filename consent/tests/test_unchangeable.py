"""What was signed stays what was signed: a text in use is never edited (a change is a new
version), and a signed consent or its withdrawal cannot be changed by any path."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from clinic.tests.factories import UserFactory
from consent.models import Consent, ConsentText, Kind, Unchangeable, Withdrawal
from consent.services import withdraw
from consent.tests.factories import consent, sample_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client_record):
    return consent(client_record, days_ago=5)


def text_form(text, **changes):
    data = {
        "title": text.title,
        "body": text.body,
        "in_force_from": text.in_force_from.isoformat(),
        "retired_on": "",
    }
    return {**data, **changes}


def test_a_text_nobody_signed_may_be_corrected_in_place(admin_client_):
    text = sample_texts().get(kind=Kind.TREATMENT, language="en")
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    response = admin_client_.post(url, text_form(text, title="Consent to massage"))
    assert response.status_code == 302
    text.refresh_from_db()
    assert (text.title, text.version) == ("Consent to massage", 1)
    assert ConsentText.objects.filter(kind=Kind.TREATMENT, language="en").count() == 1


def test_editing_a_text_in_use_keeps_it_and_saves_the_change_as_a_new_version(
    admin_client_, signed
):
    text = signed.text
    body = text.body
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    response = admin_client_.post(
        url, text_form(text, body=body + "\nAnd one more sentence."), follow=True
    )
    assert "your text is saved as version 2" in response.content.decode()
    text.refresh_from_db()
    assert text.body == body and text.version == 1
    new = ConsentText.objects.get(kind=text.kind, language=text.language, version=2)
    assert new.body == body + "\nAnd one more sentence."
    signed.refresh_from_db()
    assert signed.text == text


def test_a_text_in_use_may_still_be_retired(admin_client_, signed):
    text = signed.text
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    retired = timezone.localdate().isoformat()
    admin_client_.post(url, text_form(text, retired_on=retired))
    text.refresh_from_db()
    assert text.retired_on == timezone.localdate()
    assert ConsentText.objects.filter(kind=text.kind, language=text.language).count() == 1


def test_the_model_refuses_to_change_a_text_in_use(signed):
    text = signed.text
    text.body = "Something else."
    with pytest.raises(Unchangeable):
        text.save()


def test_a_new_text_is_the_next_version_of_its_kind(admin_client_, signed):
    response = admin_client_.post(
        reverse("admin:consent_consenttext_add"),
        {
            "kind": "treatment",
            "language": "en",
            **text_form(signed.text, title="Shorter consent", body="I, {signer}, agree."),
        },
    )
    assert response.status_code == 302
    assert ConsentText.objects.get(title="Shorter consent").version == 2


def test_an_unknown_placeholder_is_named(admin_client_):
    response = admin_client_.post(
        reverse("admin:consent_consenttext_add"),
        {
            "kind": "refusal",
            "language": "ru",
            "title": "Отказ",
            "body": "Я, {signer}, {pacient}",
            "in_force_from": "2026-01-01",
        },
    )
    assert "Unknown placeholders: {pacient}" in response.content.decode()
    assert not ConsentText.objects.exists()


def test_the_back_office_shows_a_signed_consent_but_cannot_change_or_delete_it(
    admin_client_, signed
):
    change = reverse("admin:consent_consent_change", args=[signed.pk])
    page = admin_client_.get(change)
    assert page.status_code == 200
    assert signed.record_sha256 in page.content.decode()
    admin_client_.post(change, {"signed_by": "representative", "representative_name": "X"})
    delete = admin_client_.post(
        reverse("admin:consent_consent_delete", args=[signed.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert admin_client_.get(reverse("admin:consent_consent_add")).status_code == 403
    stored = Consent.objects.get()
    assert stored.signed_by == "client" and stored.record_sha256 == signed.record_sha256


def test_no_page_changes_a_signed_consent(client, therapist, signed):
    client.force_login(therapist)
    for name in ("consent:detail", "consent:print"):
        url = reverse(name, args=[signed.client_id, signed.pk])
        assert client.post(url, {"signed_by": "representative"}).status_code == 405
    stored = Consent.objects.get()
    assert stored.fingerprint() == signed.record_sha256


def test_the_model_refuses_a_second_save(signed):
    signed.shown_text = "Another text."
    with pytest.raises(Unchangeable):
        signed.save()


def test_a_bulk_update_is_refused(signed):
    with pytest.raises(Unchangeable):
        Consent.objects.filter(pk=signed.pk).update(shown_text="Another text.")


def test_the_database_refuses_an_update_from_any_other_path(signed):
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE consent_consent SET shown_text = %s WHERE id = %s",
            ["Another text.", signed.pk],
        )
    assert Consent.objects.get().shown_text == signed.shown_text


def test_a_record_changed_behind_the_apps_back_no_longer_matches_its_hash(
    client, therapist, signed
):
    # A signature file replaced on disk: the page says the record is not what was signed.
    with open(signed.signature.path, "wb") as replaced:
        replaced.write(b"\x89PNG\r\n\x1a\n forged")
    client.force_login(therapist)
    page = client.get(signed.get_absolute_url()).content.decode()
    assert 'data-code="consent_altered"' in page
    assert not Consent.objects.get().intact


def test_withdrawal_is_kept_beside_the_consent_which_stays_as_signed(client, therapist, signed):
    client.force_login(therapist)
    url = reverse("consent:withdraw", args=[signed.client_id, signed.pk])
    response = client.post(
        url,
        {
            "withdrawn_on": timezone.localdate().strftime("%d.%m.%Y"),
            "withdrawn_by": "Anna Petrova",
            "reason": "Feels better.",
        },
    )
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.withdrawn_by, withdrawal.reason, withdrawal.recorded_by) == (
        "Anna Petrova",
        "Feels better.",
        therapist,
    )
    stored = Consent.objects.get()
    assert stored.intact and stored.status_on(timezone.localdate()) == "inactive"
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Feels better." in page
    # Once withdrawn, it is not withdrawn again, and the withdrawal itself never changes.
    assert client.post(url, {"reason": "again"}).status_code == 302
    assert Withdrawal.objects.count() == 1
    with pytest.raises(Unchangeable):
        Withdrawal.objects.filter(pk=withdrawal.pk).update(reason="Changed.")


@pytest.mark.parametrize(
    ("days_after", "message"),
    [(-1, "between the day it was signed"), (10, "between the day it was signed")],
)
def test_a_withdrawal_is_dated_between_signing_and_today(signed, days_after, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        withdraw(
            consent=signed,
            withdrawn_on=signed.signed_on + datetime.timedelta(days=days_after),
            withdrawn_by="x",
            reason="y",
            by=UserFactory(),
        )
    assert not Withdrawal.objects.exists()


def test_a_refusal_is_kept_and_is_not_withdrawn(client, therapist, client_record):
    refusal = consent(client_record, kind=Kind.REFUSAL, days_ago=1)
    assert refusal.status_on(timezone.localdate()) == "rejected"
    assert not refusal.can_be_withdrawn
    client.force_login(therapist)
    url = reverse("consent:withdraw", args=[client_record.pk, refusal.pk])
    client.post(url, {"withdrawn_on": "01.01.2026", "withdrawn_by": "x", "reason": "y"})
    assert not Withdrawal.objects.exists()
    page = client.get(client_record.get_absolute_url()).content.decode()
    assert "Refusal of treatment" in page


def test_a_signed_consent_and_its_withdrawal_are_never_deleted(signed):
    withdrawal = withdraw(
        consent=signed,
        withdrawn_on=timezone.localdate(),
        withdrawn_by="x",
        reason="y",
        by=UserFactory(),
    )
    for attempt in (
        signed.delete,
        Consent.objects.filter(pk=signed.pk).delete,
        withdrawal.delete,
        Withdrawal.objects.all().delete,
    ):
        with pytest.raises(Unchangeable):
            attempt()
    assert Consent.objects.count() == Withdrawal.objects.count() == 1


def test_a_changed_text_no_longer_matches_its_hash(signed):
    signed.shown_text += " And one more promise."
    assert not signed.intact


def test_retiring_a_signed_text_from_a_browser_makes_no_new_version(admin_client_, signed):
    text = signed.text
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    retired = timezone.localdate().isoformat()
    # A browser sends the text area's lines ending in CR LF.
    admin_client_.post(
        url, text_form(text, body=text.body.replace("\n", "\r\n"), retired_on=retired)
    )
    text.refresh_from_db()
    assert text.retired_on == timezone.localdate()
    assert ConsentText.objects.filter(kind=text.kind, language=text.language).count() == 1


def test_a_change_to_a_signed_text_comes_into_force_no_earlier_than_today(admin_client_, signed):
    text = signed.text
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    retired = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    admin_client_.post(url, text_form(text, title="Consent, revised", retired_on=retired))
    text.refresh_from_db()
    new = ConsentText.objects.get(version=2, kind=text.kind, language=text.language)
    assert text.title != "Consent, revised"
    assert text.retired_on == timezone.localdate() + datetime.timedelta(days=7)
    assert new.in_force_from == timezone.localdate() and new.retired_on is None


def test_the_list_of_texts_reads_whether_each_is_signed_in_one_query(admin_client_, signed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:consent_consenttext_changelist")
    with CaptureQueriesContext(connection) as six_texts:
        page = admin_client_.get(url)
    assert page.context["cl"].result_list.get(pk=signed.text_id).signed
    ConsentText.objects.exclude(pk=signed.text_id).filter(kind=Kind.REFUSAL).delete()
    with CaptureQueriesContext(connection) as fewer:
        admin_client_.get(url)
    assert len(six_texts) == len(fewer)


def test_a_consent_to_treatment_names_its_massage_whatever_the_path(client_record):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Choose the massage the client consents to"):
        consent(client_record, massage_type="")
    assert not Consent.objects.exists()
