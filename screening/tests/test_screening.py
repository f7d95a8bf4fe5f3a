import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from screening.models import CORE_CONTRAINDICATIONS, Answer, Contraindication, Screening
from screening.tests.factories import screen


def all_absent(**changes):
    data = {f"item_{item.pk}": "absent" for item in Contraindication.objects.active()}
    data.update(screened_on=timezone.localdate().isoformat(), systolic="", diastolic="", notes="")
    data.update(changes)
    return data


def item(code):
    return Contraindication.objects.get(code=code)


@pytest.fixture
def screening_url(client_record):
    return reverse("screening:create", args=[client_record.pk])


def test_the_checklist_holds_the_ten_items_of_the_clinic(db):
    assert Contraindication.objects.active().count() == 10
    assert item("hypertension").name == "Hypertension"


def test_the_form_asks_every_active_item_with_nothing_preselected(client, therapist, screening_url):
    client.force_login(therapist)
    page = client.get(screening_url).content.decode()
    for entry in Contraindication.objects.active():
        assert entry.name in page
    assert "checked" not in page


def test_a_therapist_records_a_clear_screening(client, therapist, client_record, screening_url):
    client.force_login(therapist)

    response = client.post(screening_url, all_absent(systolic="120", diastolic="80"))

    screening = Screening.objects.get()
    # Back to the client, whose page offers the next step.
    assert response.url == client_record.get_absolute_url()
    assert screening.screened_by == therapist
    assert screening.answers.count() == 10
    assert screening.outcome().is_clear
    assert screening.history.get().history_user == therapist
    detail = client.get(response.url).content.decode()
    assert "Clear" in detail


def test_an_unanswered_item_is_refused_and_nothing_is_stored(client, therapist, screening_url):
    client.force_login(therapist)
    data = all_absent()
    del data[f"item_{item('tuberculosis').pk}"]

    response = client.post(screening_url, data)

    assert response.status_code == 200
    assert response.context["form"].errors[f"item_{item('tuberculosis').pk}"] == [
        "Answer present, absent or unknown."
    ]
    assert Screening.objects.count() == 0
    assert Answer.objects.count() == 0


def test_the_outcome_cannot_be_typed_in(client, therapist, screening_url):
    client.force_login(therapist)
    client.post(
        screening_url, all_absent(outcome="clear", **{f"item_{item('tumour').pk}": "present"})
    )
    assert [i.code for i in Screening.objects.get().outcome().present] == ["tumour"]


def test_blood_pressure_over_the_limit_counts_as_hypertension_with_the_box_unticked(
    client, therapist, screening_url
):
    client.force_login(therapist)

    response = client.post(screening_url, all_absent(systolic="145", diastolic="85"))

    screening = Screening.objects.get()
    outcome = screening.outcome()
    assert [i.code for i in outcome.present] == ["hypertension"]
    assert outcome.hypertension_by_pressure
    assert screening.answers.get(contraindication__code="hypertension").value == "absent"
    assert response.url == screening.client.get_absolute_url()
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "counts as present although its box was not answered present" in page


@pytest.mark.parametrize(
    ("systolic", "diastolic", "hypertension"),
    [(139, 89, False), (140, 80, True), (120, 90, True), (None, None, False)],
)
def test_the_blood_pressure_limits_are_inclusive(client_record, systolic, diastolic, hypertension):
    screening = screen(client_record, pressure=(systolic, diastolic))
    assert (not screening.outcome().is_clear) is hypertension


def test_the_limits_are_clinic_settings(client_record, settings):
    settings.CLINIC_SYSTOLIC_LIMIT = 130
    assert not screen(client_record, pressure=(135, 80)).outcome().is_clear


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"systolic": "300", "diastolic": "80"}, "systolic", "not a plausible reading"),
        ({"systolic": "120", "diastolic": "10"}, "diastolic", "not a plausible reading"),
        ({"systolic": "80", "diastolic": "120"}, "systolic", "check they are not swapped"),
        ({"systolic": "120"}, "diastolic", "both readings"),
        ({"systolic": "abc", "diastolic": "80"}, "systolic", "Enter a whole number"),
        ({"screened_on": "2999-01-01"}, "screened_on", "in the future"),
    ],
)
def test_bad_readings_and_dates_are_refused_on_the_field(
    client, therapist, screening_url, changes, field, message
):
    client.force_login(therapist)
    response = client.post(screening_url, all_absent(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Screening.objects.count() == 0


def test_a_new_catalogue_item_appears_on_new_forms_and_not_on_old_screenings(
    client, therapist, client_record, screening_url
):
    old = screen(client_record)
    fever = Contraindication.objects.create(code="fever", name="Fever", position=200)
    client.force_login(therapist)

    assert "Fever" in client.get(screening_url).content.decode()
    assert "Fever" not in client.get(old.get_absolute_url()).content.decode()
    assert old.outcome().is_clear
    # A form opened before the item existed does not answer it, so it is refused.
    response = client.post(
        screening_url, {k: v for k, v in all_absent().items() if k != f"item_{fever.pk}"}
    )
    assert f"item_{fever.pk}" in response.context["form"].errors


def test_retiring_an_item_keeps_old_screenings_as_they_were(
    client, therapist, client_record, screening_url
):
    Contraindication.objects.create(code="fever", name="Fever", position=200)
    old = screen(client_record, found=["fever"])
    Contraindication.objects.filter(code="fever").update(is_active=False)
    client.force_login(therapist)

    assert "Fever" not in client.get(screening_url).content.decode()
    assert [i.code for i in Screening.objects.with_answers().get(pk=old.pk).outcome().present] == [
        "fever"
    ]
    assert "Fever" in client.get(old.get_absolute_url()).content.decode()


def test_an_archived_client_cannot_be_screened(client, therapist, client_record, screening_url):
    client_record.archive()
    client.force_login(therapist)
    response = client.post(screening_url, all_absent(), follow=True)
    assert "is archived; restore it to add or change anything" in response.content.decode()
    assert Screening.objects.count() == 0


def test_a_screening_holds_for_the_clinic_setting(client_record, settings):
    settings.CLINIC_SCREENING_VALID_DAYS = 7
    screening = screen(client_record, days_ago=1)
    assert screening.valid_until == timezone.localdate() + datetime.timedelta(days=6)


def test_high_blood_pressure_counts_even_without_a_hypertension_answer(client_record):
    # Only a screening stored past the form lacks the answer; the reading decides anyway.
    screening = screen(client_record, pressure=(200, 120))
    screening.answers.filter(contraindication__code="hypertension").delete()
    outcome = Screening.objects.with_answers().get(pk=screening.pk).outcome()
    assert [i.code for i in outcome.present] == ["hypertension"]
    assert outcome.hypertension_by_pressure


@pytest.mark.parametrize("code", CORE_CONTRAINDICATIONS)
def test_none_of_the_ten_can_be_retired_in_the_back_office(client, clinic_admin, code):
    ten = item(code)
    client.force_login(clinic_admin)
    url = reverse("admin:screening_contraindication_change", args=[ten.pk])
    page = client.get(url).content.decode()
    assert "One of the ten contraindications" in page  # says why the fields are fixed
    client.post(url, {"name": "Something else", "position": ten.position})  # "in use" unticked
    ten.refresh_from_db()
    assert ten.is_active and ten.name == item(code).name != "Something else"


def test_the_database_itself_keeps_the_ten_asked(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contraindication.objects.filter(code="tumour").update(is_active=False)


def test_an_item_the_clinic_added_can_be_retired(client, clinic_admin):
    pregnancy = Contraindication.objects.create(code="pregnancy", name="Pregnancy", position=110)
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:screening_contraindication_change", args=[pregnancy.pk]),
        {"name_ru": "Беременность", "name_en": "Pregnancy", "position": 110},
    )
    assert response.status_code == 302
    pregnancy.refresh_from_db()
    assert not pregnancy.is_active


def test_a_screening_that_did_not_ask_one_of_the_ten_clears_nobody(client_record):
    screening = screen(client_record)
    screening.answers.filter(contraindication__code="tumour").delete()  # stored past the form
    outcome = Screening.objects.with_answers().get(pk=screening.pk).outcome()
    assert not outcome.is_clear
    assert [i.code for i in outcome.not_asked] == ["tumour"]


def test_an_answered_item_cannot_be_renamed_so_old_screenings_read_as_asked(
    client, clinic_admin, client_record
):
    screen(client_record)
    tumour = item("tumour")
    client.force_login(clinic_admin)
    client.post(
        reverse("admin:screening_contraindication_change", args=[tumour.pk]),
        {
            "name_ru": "Что-то другое",
            "name_en": "Something else",
            "position": tumour.position,
            "is_active": "on",
        },
    )
    tumour.refresh_from_db()
    assert (tumour.name_en, tumour.name_ru) == (
        "Tumours, benign or malignant",
        "Опухоли, доброкачественные или злокачественные",
    )


def test_checklist_descriptions_are_shown_escaped(client, therapist, screening_url):
    Contraindication.objects.create(
        code="fever", name="Fever", description="<script>alert(1)</script>", position=300
    )
    client.force_login(therapist)
    page = client.get(screening_url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_screening_validity_setting_is_what_eligibility_obeys(client_record, settings):
    from clinic.tests.factories import ReferralNoteFactory
    from consent.tests.factories import consent
    from screening.services import eligibility

    ReferralNoteFactory(client=client_record)
    consent(client_record)
    screen(client_record, days_ago=8)
    assert eligibility(client_record).allowed
    settings.CLINIC_SCREENING_VALID_DAYS = 7
    assert [r.code for r in eligibility(client_record).reasons] == ["screening_expired"]
