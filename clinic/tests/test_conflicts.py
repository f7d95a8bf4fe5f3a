"""Two people editing one record: the second save is refused, the newer record is kept."""

from django.urls import reverse

from clinic.admin import ClientAdmin
from clinic.models import Client
from clinic.tests.factories import ReferralNoteFactory


def form_of(client, url):
    """What a browser would post back, as the page was when it was opened."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_a_client_edit_opened_before_another_save_is_refused(
    client, reception, therapist, client_record
):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    # Meanwhile a therapist saves a change.
    client.force_login(therapist)
    client.post(url, {**form_of(client, url), "complaint": "Pain now radiates to the left leg."})
    client.force_login(reception)

    response = client.post(url, {**stale, "phone": "+79160000999"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing of yours was saved" in page
    assert "+79160000999" in page and "Pain now radiates to the left leg." in page
    client_record.refresh_from_db()
    assert client_record.complaint == "Pain now radiates to the left leg."
    assert client_record.phone != "+79160000999"


def test_an_edit_on_the_current_version_is_saved(client, reception, client_record):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    first = client.post(url, {**form_of(client, url), "phone": "+79160000111"})
    second = client.post(url, {**form_of(client, url), "phone": "+79160000222"})
    assert first.status_code == second.status_code == 302
    client_record.refresh_from_db()
    assert (client_record.phone, client_record.version) == ("+79160000222", 3)


def test_an_archive_in_between_also_refuses_a_stale_edit(client, reception, client_record):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    client_record.archive()
    client_record.restore()
    assert client.post(url, {**stale, "phone": "+79160000333"}).status_code == 409


def test_a_stale_referral_edit_is_refused(client, reception, client_record):
    note = ReferralNoteFactory(client=client_record)
    url = reverse("clinic:referral_edit", args=[client_record.pk, note.pk])
    client.force_login(reception)
    stale = {**form_of(client, url), "correction_reason": "Typed from the wrong letter"}
    client.post(
        url,
        {
            **form_of(client, url),
            "diagnosis": "Disc protrusion L5-S1",
            "correction_reason": "Misread the letter",
        },
    )
    response = client.post(url, {**stale, "diagnosis": "Osteochondrosis"})
    assert response.status_code == 409
    note.refresh_from_db()
    assert note.diagnosis == "Disc protrusion L5-S1"


def test_the_back_office_obeys_the_same_rule(client, clinic_admin, therapist, client_record):
    url = reverse("admin:clinic_client_change", args=[client_record.pk])
    client.force_login(clinic_admin)
    form = client.get(url).context["adminform"].form
    assert form["opened_version"].value() == client_record.version
    client_record.complaint = "Changed by someone else"
    client_record.save()
    stale = {
        "first_name": client_record.first_name,
        "last_name": client_record.last_name,
        "date_of_birth": client_record.date_of_birth.isoformat(),
        "sex": client_record.sex,
        "phone": "+79160000444",
        "opened_version": str(form["opened_version"].value()),
    }
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert Client.objects.get().phone != "+79160000444"


def test_a_save_that_races_past_the_forms_check_gets_the_conflict_page(
    admin_client_, client_record, monkeypatch
):
    url = reverse("admin:clinic_client_change", args=[client_record.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, [])
    }
    data["date_of_birth"] = client_record.date_of_birth.isoformat()
    save_model = ClientAdmin.save_model

    def another_save_lands_first(self, request, obj, form, change):
        # Two saves at the same instant: both passed the form's check before either was stored.
        Client.objects.get(pk=obj.pk).save()
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ClientAdmin, "save_model", another_save_lands_first)

    response = admin_client_.post(url, {**data, "phone": "+79160000555"})

    assert response.status_code == 409
    assert "Nothing of yours was saved" in response.content.decode()
    assert Client.objects.get().phone != "+79160000555"
