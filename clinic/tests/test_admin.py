from django.urls import reverse
from django.utils.html import escape

from clinic.models import Client, Condition


def test_clinic_admin_sees_the_client_list_change_page_and_history(admin_client_, client_record):
    changelist = admin_client_.get(
        reverse("admin:clinic_client_changelist"), {"q": client_record.last_name}
    )
    assert client_record.record_number in changelist.content.decode()
    change = admin_client_.get(reverse("admin:clinic_client_change", args=[client_record.pk]))
    assert change.status_code == 200
    history = admin_client_.get(reverse("admin:clinic_client_history", args=[client_record.pk]))
    assert history.status_code == 200
    # Who registered the client, named as everywhere: their full name.
    assert escape(str(client_record.created_by)) in history.content.decode()


def test_adding_a_client_in_the_admin_assigns_the_record_number(admin_client_, clinic_admin):
    hernia = Condition.objects.get(icd10="M51")
    response = admin_client_.post(
        reverse("admin:clinic_client_add"),
        {
            "first_name": "Vera",
            "last_name": "Guseva",
            "patronymic": "Ivanovna",
            "date_of_birth": "03.03.1977",
            "sex": "female",
            "phone": "8 916 000-00-01",
            "conditions": [hernia.pk],
        },
    )
    assert response.status_code == 302
    added = Client.objects.get(first_name="Vera")
    assert added.record_number == "C-000001"
    # The same reading of names, dates and phones as the staff pages.
    assert (added.patronymic, added.date_of_birth.isoformat(), added.phone) == (
        "Ivanovna",
        "1977-03-03",
        "+79160000001",
    )
    assert added.created_by == clinic_admin
    assert list(added.conditions.all()) == [hernia]


def test_clients_cannot_be_deleted_in_the_back_office(admin_client_, client_record):
    response = admin_client_.get(reverse("admin:clinic_client_delete", args=[client_record.pk]))
    assert response.status_code == 403
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_the_archive_action_archives_without_deleting(admin_client_, client_record):
    admin_client_.post(
        reverse("admin:clinic_client_changelist"),
        {"action": "archive_clients", "_selected_action": [client_record.pk]},
    )
    client_record.refresh_from_db()
    assert client_record.is_archived


def test_the_admin_login_form_sends_staff_to_the_app_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_clinic_admin_cannot_make_anyone_superuser(admin_client_, clinic_admin):
    url = reverse("admin:clinic_user_change", args=[clinic_admin.pk])
    form = admin_client_.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    admin_client_.post(
        url, {"username": clinic_admin.username, "is_superuser": "on", "is_active": "on"}
    )
    clinic_admin.refresh_from_db()
    assert not clinic_admin.is_superuser


def test_a_clinic_admin_cannot_change_a_superuser_account(admin_client_, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    response = admin_client_.get(reverse("admin:clinic_user_change", args=[root.pk]))
    assert response.status_code in (302, 403) or "readonly" in response.content.decode()
    admin_client_.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-2026", "password2": "taken-over-2026"},
    )
    root.refresh_from_db()
    assert root.check_password("x-long-password-1")


def test_a_duplicate_client_is_refused_in_the_back_office_too(admin_client_, client_record):
    response = admin_client_.post(
        reverse("admin:clinic_client_add"),
        {
            "first_name": client_record.first_name.upper(),
            "last_name": client_record.last_name,
            "date_of_birth": client_record.date_of_birth.isoformat(),
            "sex": "female",
            "phone": "+79160000002",
        },
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Client.objects.count() == 1


def test_the_back_office_explains_itself(admin_client_, reception, therapist, clinic_admin):
    index = admin_client_.get(reverse("admin:index")).content.decode()
    # Two different things, two different names.
    assert "Sign-in attempts" in index and "Who viewed records" in index
    users = admin_client_.get(reverse("admin:clinic_user_changelist")).content.decode()
    # Staff by their names, with their roles.
    assert therapist.get_full_name() in users
    assert "Reception" in users and "Therapist" in users and "Clinic admin" in users
    clients = admin_client_.get(reverse("admin:clinic_client_changelist"))
    (choices,) = [
        spec.lookup_choices
        for spec in clients.context["cl"].filter_specs
        if spec.title == "primary therapist"
    ]
    # The therapist filter lists therapists, not the reception or the clinic admin.
    assert [name for _, name in choices] == [str(therapist)]
