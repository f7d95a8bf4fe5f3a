"""The client list: search, filters, sorting, pages, and the eligibility of every row."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from clinic import roles
from clinic.models import AccessLog, Client, Condition
from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from clinic.tests.test_clients import post_new_client
from conftest import user_with_role
from consent.models import Kind
from consent.tests.factories import consent
from screening.tests.factories import screen


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


def search(client, **params):
    """Search as the page does: the form is posted, and its answer is the list."""
    response = client.post(reverse("overview:client_list"), params, follow=True)
    assert response.redirect_chain == [(reverse("overview:client_list"), 302)]
    return response


def listed(client, **params):
    response = search(client, **params)
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
    response = search(client, therapist="x", sort="evil", status="gone")
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

    first = search(client, q="ivanova")
    second = client.get(reverse("overview:client_list"), {"page": 2})

    assert len(first.context["clients"]) == 25
    assert len(second.context["clients"]) == 5
    assert 'href="?page=2"' in first.content.decode()
    # A page past the end, as a reload after a narrower search asks for, shows the last one.
    beyond = client.get(reverse("overview:client_list"), {"page": 99})
    assert beyond.status_code == 200
    assert list(beyond.context["clients"]) == list(second.context["clients"])


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
        consent(registered, days_ago=30)
        consent(registered, kind=Kind.REFUSAL, days_ago=10)
    client.force_login(reception)
    # session, user, permissions (2), count, page of clients, their conditions, the
    # therapist and condition choices of the filter form, the back-office link check, and
    # the eligibility of the whole page: latest records, screenings, answers, the checklist,
    # referrals, consents
    # + renewing the idle session on every request: savepoint, update, release (3)
    # + the access log's rows for the clients shown, in one insert
    search(client, status="all")
    with django_assert_num_queries(20):
        response = client.get(reverse("overview:client_list"))
    shown = response.context["clients"]
    assert len(shown) == min(count, 25)
    assert all(c.eligibility_today.reasons[0].code == "contraindication_present" for c in shown)
    assert all(c.eligibility_today.reasons[-1].code == "consent_refused" for c in shown)
    logged = AccessLog.objects.filter(view="client_list", user=reception)
    assert set(logged.values_list("client", flat=True)) == {c.pk for c in shown}


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


def test_search_terms_never_travel_in_a_url(client, reception, clients_to_find):
    client.force_login(reception)
    response = search(client, q="anna petrova")
    assert response.wsgi_request.get_full_path() == reverse("overview:client_list")
    assert "anna petrova" not in "".join(url for url, _ in response.redirect_chain)
    assert [c.record_number for c in response.context["clients"]] == [
        clients_to_find["anna"].record_number
    ]


def test_an_old_link_with_a_search_is_moved_out_of_the_url(client, reception, clients_to_find):
    client.force_login(reception)
    response = client.get(reverse("overview:client_list"), {"q": "boris"}, follow=True)
    assert response.redirect_chain == [(reverse("overview:client_list"), 302)]
    assert [c.record_number for c in response.context["clients"]] == [
        clients_to_find["boris"].record_number
    ]


def test_the_search_stays_until_it_is_cleared(client, reception, clients_to_find):
    client.force_login(reception)
    search(client, q="boris")
    again = client.get(reverse("overview:client_list"))
    assert [c.record_number for c in again.context["clients"]] == [
        clients_to_find["boris"].record_number
    ]
    assert 'value="boris"' in again.content.decode()
    cleared = search(client, clear="Clear")
    assert len(cleared.context["clients"]) == 3


def test_the_filter_form_kept_in_the_cache_still_follows_choices_errors_and_language(
    client, reception, therapist, clients_to_find
):
    """The form is drawn once for each search and kept (ClientFilterForm.drawn): what it shows
    still changes with a new therapist to choose, a wrong value's message and the language."""
    client.force_login(reception)
    page = client.get(reverse("overview:client_list")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and f">{therapist}</option>" in page
    newcomer = user_with_role("newcomer", roles.THERAPIST)
    newcomer.last_name = "Zvereva"
    newcomer.save()
    assert f">{newcomer}</option>" in client.get(reverse("overview:client_list")).content.decode()
    wrong = search(client, therapist="x").content.decode()
    assert "Select a valid choice" in wrong
    assert "Select a valid choice" in client.get(reverse("overview:client_list")).content.decode()
    search(client, clear="Clear")
    cleared = client.get(reverse("overview:client_list")).content.decode()
    assert "Select a valid choice" not in cleared
    client.post(reverse("choose_language"), {"language": "ru", "next": "/clients/"})
    assert "Сортировка" in client.get(reverse("overview:client_list")).content.decode()


def test_a_typed_search_is_never_kept_in_the_shared_cache(
    client, reception, clients_to_find, monkeypatch
):
    from clinic.lib import fragments

    kept = []
    real = fragments.set_many
    monkeypatch.setattr(
        fragments, "set_many", lambda entries: kept.append(entries) or real(entries)
    )
    client.force_login(reception)
    page = search(client, q="Sokolova 1980").content.decode()
    assert 'value="Sokolova 1980"' in page  # shown again in the form, drawn afresh
    assert not any("Sokolova 1980" in html for entries in kept for html in entries.values())
    search(client, clear="Clear")
    assert kept  # the filters without a typed search are kept
