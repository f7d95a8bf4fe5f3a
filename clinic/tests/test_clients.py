import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.forms.models import BaseModelForm
from django.urls import reverse
from django.utils import timezone

from clinic import roles
from clinic.models import Client, Condition
from clinic.tests.factories import ClientFactory, UserFactory

NEW_CLIENT = {
    "first_name": "Galina",
    "last_name": "Orlova",
    "date_of_birth": "1966-02-11",
    "sex": "female",
    "phone": "+7 (916) 555-12-34",
    "email": "galina@example.org",
    "occupation": "Bookkeeper",
    "activity_level": "sedentary",
    "complaint": "Aching lower back by the evening.",
}


def post_new_client(client, **changes):
    data = {**NEW_CLIENT, **changes}
    return client.post(
        reverse("clinic:client_create"), {k: v for k, v in data.items() if v is not None}
    )


def test_reception_registers_a_client_with_a_system_record_number(client, reception, therapist):
    client.force_login(reception)
    hernia = Condition.objects.get(icd10="M51")
    response = post_new_client(
        client, conditions=[hernia.pk], primary_therapist=therapist.pk, record_number="X-1"
    )

    registered = Client.objects.get(last_name="Orlova")
    assert response.status_code == 302
    assert response.url == registered.get_absolute_url()
    assert registered.record_number == "C-000001"  # typed-in numbers are ignored
    assert registered.phone == "+79165551234"  # stored normalised
    assert registered.created_by == reception
    assert registered.primary_therapist == therapist
    assert list(registered.conditions.all()) == [hernia]
    assert registered.history.earliest().history_user == reception


def test_record_numbers_follow_each_other(reception):
    first, second = ClientFactory(), ClientFactory()
    assert (first.record_number, second.record_number) == ("C-000001", "C-000002")


def test_the_therapist_list_offers_only_active_therapists(
    client, reception, therapist, clinic_admin
):
    UserFactory(username="left-the-clinic", is_active=False).groups.add(
        Group.objects.get(name=roles.THERAPIST)
    )
    client.force_login(reception)
    therapist_field = client.get(reverse("clinic:client_create")).context["form"][
        "primary_therapist"
    ]
    offered = list(therapist_field.field.queryset)
    assert offered == [therapist]


def as_form_data(record, **changes):
    fields = ["first_name", "last_name", "date_of_birth", "sex", "phone", "email", "complaint"]
    return {**{name: getattr(record, name) for name in fields}, **changes}


def test_editing_a_client_keeps_the_change_in_history(client, therapist, client_record):
    client.force_login(therapist)
    url = reverse("clinic:client_edit", args=[client_record.pk])

    response = client.post(url, as_form_data(client_record, last_name="Petrova-Orlova"))

    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.last_name == "Petrova-Orlova"
    latest = client_record.history.latest()
    assert latest.history_user == therapist
    assert latest.prev_record.last_name == "Petrova"
    page = client.get(client_record.get_absolute_url()).content.decode()
    assert "Changed: surname" in page


def test_a_client_can_be_edited_without_a_duplicate_error_against_itself(
    client, reception, client_record
):
    client.force_login(reception)
    data = as_form_data(client_record, phone="+7 916 000 00 00")
    response = client.post(reverse("clinic:client_edit", args=[client_record.pk]), data)
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.phone == "+79160000000"


def test_archive_and_restore_keep_the_record(client, reception, client_record):
    client.force_login(reception)

    client.post(reverse("clinic:client_archive", args=[client_record.pk]))
    client_record.refresh_from_db()
    assert client_record.is_archived
    assert Client.objects.active().count() == 0
    assert client_record.history.latest().archived_at is not None

    client.post(reverse("clinic:client_restore", args=[client_record.pk]))
    client_record.refresh_from_db()
    assert not client_record.is_archived
    assert Client.objects.count() == 1


def test_an_archived_client_cannot_be_edited_until_restored(client, reception, client_record):
    client_record.archive()
    client.force_login(reception)
    url = reverse("clinic:client_edit", args=[client_record.pk])

    response = client.post(url, {**NEW_CLIENT}, follow=True)

    assert "is archived; restore it to add or change anything" in response.content.decode()
    client_record.refresh_from_db()
    assert client_record.first_name != NEW_CLIENT["first_name"]


# --- bad input: a message on the field, and nothing stored -------------------------------

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": TOMORROW}, "date_of_birth", "is in the future"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth", "after 1 January 1900"),
        ({"date_of_birth": "31.02.1970"}, "date_of_birth", "Enter a valid date"),
        ({"email": "galina@"}, "email", "valid email"),
        ({"phone": "call me"}, "phone", "not a phone number"),
        ({"phone": "12-34"}, "phone", "not a phone number"),
        ({"first_name": "   "}, "first_name", "required"),
        ({"sex": "robot"}, "sex", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_stored(
    client, reception, changes, field, message
):
    client.force_login(reception)

    response = post_new_client(client, **changes)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert Client.objects.count() == 0


def test_a_second_client_with_the_same_name_and_birth_date_is_refused_with_a_link(
    client, reception
):
    existing = ClientFactory(
        first_name="Galina", last_name="Orlova", date_of_birth=datetime.date(1966, 2, 11)
    )
    client.force_login(reception)

    response = post_new_client(client, first_name="galina", last_name="ORLOVA ")

    assert response.status_code == 200
    assert response.context["form"].has_error("date_of_birth", code="duplicate_client")
    assert f'<a href="{existing.get_absolute_url()}">' in response.content.decode()
    assert Client.objects.count() == 1


def test_hostile_text_is_shown_escaped(client, reception):
    client.force_login(reception)
    post_new_client(client, complaint="<script>alert(1)</script>")
    registered = Client.objects.get()
    page = client.get(registered.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_editing_keeps_a_primary_therapist_who_has_since_left(
    client, reception, therapist, client_record
):
    client_record.primary_therapist = therapist
    client_record.save()
    therapist.is_active = False
    therapist.save()
    client.force_login(reception)
    url = reverse("clinic:client_edit", args=[client_record.pk])

    client.post(
        url, as_form_data(client_record, primary_therapist=therapist.pk, phone="+79160000009")
    )

    client_record.refresh_from_db()
    assert client_record.phone == "+79160000009"
    assert client_record.primary_therapist == therapist


def test_an_edit_whose_conditions_fail_to_save_stores_nothing(
    client, reception, client_record, monkeypatch
):
    def fail(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(BaseModelForm, "_save_m2m", fail)
    client.raise_request_exception = False
    client.force_login(reception)
    url = reverse("clinic:client_edit", args=[client_record.pk])

    response = client.post(url, as_form_data(client_record, last_name="Petrova-Orlova"))

    assert response.status_code == 503
    client_record.refresh_from_db()
    assert client_record.last_name == "Petrova"
