"""The back office of screenings: the checklist, screenings, and the eligibility column it adds
to the client list."""

from django.urls import reverse

from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from screening.models import Contraindication
from screening.tests.factories import screen


def test_the_client_list_in_the_back_office_shows_eligibility_in_fixed_queries(
    admin_client_, django_assert_max_num_queries
):
    for registered in ClientFactory.create_batch(8):
        ReferralNoteFactory(client=registered)
        screen(registered, found=["tumour"])
    with django_assert_max_num_queries(21):
        page = admin_client_.get(reverse("admin:clinic_client_changelist")).content.decode()
    assert page.count("found tumours, benign or malignant") == 8


def test_the_back_office_opens_referrals_screenings_and_the_checklist(admin_client_, client_record):
    note = ReferralNoteFactory(client=client_record)
    screening = screen(client_record, found=["tumour"])
    for url in [
        reverse("admin:clinic_referralnote_changelist"),
        reverse("admin:clinic_referralnote_change", args=[note.pk]),
        reverse("admin:screening_screening_changelist"),
        reverse("admin:screening_screening_change", args=[screening.pk]),
        reverse("admin:screening_contraindication_changelist"),
        reverse(
            "admin:screening_contraindication_change",
            args=[screening.answers.first().contraindication_id],
        ),
        reverse("admin:screening_contraindication_add"),
        reverse("admin:clinic_user_changelist"),
        reverse("admin:clinic_user_change", args=[client_record.created_by_id]),
    ]:
        assert admin_client_.get(url).status_code == 200, url


def test_a_clinic_admin_extends_and_retires_checklist_items(admin_client_):
    admin_client_.post(
        reverse("admin:screening_contraindication_add"),
        {
            "code": "pregnancy",
            "name_ru": "Беременность",
            "name_en": "Pregnancy",
            "position": 110,
            "is_active": "on",
        },
    )
    pregnancy = Contraindication.objects.get(code="pregnancy")
    assert (pregnancy.name_ru, pregnancy.name_en) == ("Беременность", "Pregnancy")
    admin_client_.post(
        reverse("admin:screening_contraindication_change", args=[pregnancy.pk]),
        {"name_ru": "Беременность", "name_en": "Pregnancy", "position": 110},  # unticked: retired
    )
    pregnancy.refresh_from_db()
    assert not pregnancy.is_active
    delete = reverse("admin:screening_contraindication_delete", args=[pregnancy.pk])
    assert admin_client_.get(delete).status_code == 403


def test_a_screening_is_corrected_in_the_back_office_only_with_a_reason(
    admin_client_, client_record
):
    screening = screen(client_record)
    tumour = screening.answers.get(contraindication__code="tumour")
    url = reverse("admin:screening_screening_change", args=[screening.pk])
    form = admin_client_.get(url).context["adminform"].form
    answers = list(screening.answers.order_by("pk"))
    data = {
        "screened_on": screening.screened_on.isoformat(),
        "notes": "",
        "opened_version": str(form["opened_version"].value()),
        "answers-TOTAL_FORMS": str(len(answers)),
        "answers-INITIAL_FORMS": str(len(answers)),
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "0",
    }
    for i, answer in enumerate(answers):
        data[f"answers-{i}-id"] = str(answer.pk)
        data[f"answers-{i}-screening"] = str(screening.pk)
        data[f"answers-{i}-value"] = "present" if answer == tumour else answer.value

    refused = admin_client_.post(url, data)
    assert refused.status_code == 200
    tumour.refresh_from_db()
    assert tumour.value == "absent"

    admin_client_.post(url, {**data, "correction_reason": "Ticked the wrong row."})
    tumour.refresh_from_db()
    assert tumour.value == "present"
    assert tumour.history.latest().history_change_reason == "Ticked the wrong row."
    page = admin_client_.get(screening.get_absolute_url()).content.decode()
    assert "Answers corrected" in page and "Ticked the wrong row." in page
    assert "Tumours, benign or malignant" in page
    history = admin_client_.get(reverse("admin:screening_screening_history", args=[screening.pk]))
    assert "Answers corrected" in history.content.decode()
    assert "Tumours, benign or malignant" in history.content.decode()
