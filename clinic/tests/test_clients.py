import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clinic import roles
from clinic.models import Client, Condition
from clinic.tests.factories import ClientFactory, ReferralNoteFactory, UserFactory
from screening.tests.factories import screen

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
    assert "Changed: last name" in page


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

    assert "Restore the record to edit it" in response.content.decode()
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
        ({"phone": "call me"}, "phone", "7 to 15 digits"),
        ({"phone": "12-34"}, "phone", "7 to 15 digits"),
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


# --- list: search, filters, sorting, pagination ------------------------------------------


@pytest.fixture
def clients_to_find(therapist):
    hernia = Condition.objects.get(icd10="M51")
    return {
        "anna": ClientFactory(
            first_name="Anna",
            last_name="Petrova",
            date_of_birth=datetime.date(1968, 4, 21),
            phone="+79161230001",
            primary_therapist=therapist,
            conditions=[hernia],
        ),
        "anna_other": ClientFactory(
            first_name="Anna",
            last_name="Sokolova",
            date_of_birth=datetime.date(1980, 1, 2),
            phone="+79161230002",
        ),
        "boris": ClientFactory(
            first_name="Boris",
            last_name="Petrov",
            date_of_birth=datetime.date(1955, 8, 30),
            phone="+79035550003",
        ),
    }


def listed(client, **params):
    response = client.get(reverse("clinic:client_list"), params)
    assert response.status_code == 200
    return [c.record_number for c in response.context["clients"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anna petrova", ["anna"]),
        ("ANNA", ["anna", "anna_other"]),
        ("petrov", ["anna", "boris"]),
        ("1968-04-21", ["anna"]),
        ("21.04.1968", ["anna"]),
        ("+7 903 555", ["boris"]),
        ("1230002", ["anna_other"]),
        ("nobody", []),
    ],
)
def test_search_finds_clients_by_name_phone_and_birth_date(
    client, reception, clients_to_find, query, expected
):
    client.force_login(reception)
    assert sorted(listed(client, q=query)) == sorted(
        clients_to_find[k].record_number for k in expected
    )


def test_search_finds_a_client_by_record_number(client, reception, clients_to_find):
    client.force_login(reception)
    boris = clients_to_find["boris"]
    assert listed(client, q=boris.record_number) == [boris.record_number]
    assert listed(client, q=boris.record_number.lower()) == [boris.record_number]
    assert listed(client, q=f"boris {boris.record_number}") == [boris.record_number]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_on_postgresql_the_name_search_is_answered_by_the_trigram_index(clients_to_find):
    search = Client.objects.search("petrov").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: make the planner show it
        plan = search.explain()
    assert "clinic_client_name_key_trgm" in plan, plan


def test_filters_by_status_therapist_and_condition(client, reception, therapist, clients_to_find):
    clients_to_find["boris"].archive()
    hernia = Condition.objects.get(icd10="M51")
    client.force_login(reception)
    number = {k: c.record_number for k, c in clients_to_find.items()}

    assert sorted(listed(client)) == sorted([number["anna"], number["anna_other"]])
    assert listed(client, status="archived") == [number["boris"]]
    assert len(listed(client, status="all")) == 3
    assert listed(client, therapist=therapist.pk) == [number["anna"]]
    assert listed(client, condition=hernia.pk) == [number["anna"]]


def test_a_bad_filter_value_is_explained_not_a_crash(client, reception, clients_to_find):
    client.force_login(reception)
    response = client.get(
        reverse("clinic:client_list"), {"therapist": "x", "sort": "evil", "status": "gone"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(response.context["clients"]) == 3  # the broken filters are ignored


def test_sorting(client, reception, clients_to_find):
    client.force_login(reception)
    number = {k: c.record_number for k, c in clients_to_find.items()}
    assert listed(client, status="all", sort="born") == [
        number["boris"],
        number["anna"],
        number["anna_other"],
    ]
    assert listed(client, status="all", sort="newest") == [
        number["boris"],
        number["anna_other"],
        number["anna"],
    ]
    assert listed(client, status="all", sort="name") == [
        number["boris"],
        number["anna"],
        number["anna_other"],
    ]


def test_pagination_keeps_the_filters(client, reception, settings):
    ClientFactory.create_batch(30, last_name="Ivanova")
    client.force_login(reception)

    first = client.get(reverse("clinic:client_list"), {"q": "ivanova"})
    second = client.get(reverse("clinic:client_list"), {"q": "ivanova", "page": 2})

    assert len(first.context["clients"]) == 25
    assert len(second.context["clients"]) == 5
    assert "q=ivanova&amp;page=2" in first.content.decode()
    assert client.get(reverse("clinic:client_list"), {"page": 99}).status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_the_client_list_needs_the_same_queries_whatever_the_number_of_records(
    client, reception, therapist, django_assert_num_queries, count
):
    hernia, scoliosis = Condition.objects.filter(icd10__in=["M51", "M41"])
    for registered in ClientFactory.create_batch(
        count, primary_therapist=therapist, conditions=[hernia, scoliosis]
    ):
        ReferralNoteFactory.create_batch(2, client=registered)
        screen(registered, days_ago=20)
        screen(registered, found=["hypertension"])
    client.force_login(reception)
    # session, user, permissions (2), count, page of clients, their conditions, the
    # therapist and condition choices of the filter form, the back-office link check, and
    # the eligibility of the whole page: latest records, screenings, answers, referrals
    # + renewing the idle session on every request: savepoint, update, release (3)
    with django_assert_num_queries(17):
        response = client.get(reverse("clinic:client_list"), {"status": "all"})
    shown = response.context["clients"]
    assert len(shown) == min(count, 25)
    assert all(c.eligibility_today.reasons[0].code == "contraindication_present" for c in shown)


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


def test_cyrillic_names_are_compared_and_found_whatever_their_case(client, reception):
    existing = ClientFactory(
        first_name="Анна", last_name="Петрова", date_of_birth=datetime.date(1968, 4, 21)
    )
    client.force_login(reception)

    response = post_new_client(
        client, first_name="АННА", last_name="ПЕТРОВА", date_of_birth="1968-04-21"
    )

    assert response.context["form"].has_error("date_of_birth", code="duplicate_client")
    assert Client.objects.count() == 1
    assert listed(client, q="анна петрова") == [existing.record_number]
    assert listed(client, q="ПЕТРОВ") == [existing.record_number]
