"""People's names, phones and dates as the clinic's staff write them (domain.md, "People's
names, phones and dates")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clinic.lib import phones
from clinic.models import Client
from clinic.tests.factories import ClientFactory
from clinic.tests.test_clients import post_new_client


@pytest.fixture
def maria(db):
    return ClientFactory(
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        date_of_birth=datetime.date(1979, 3, 12),
        phone="+79165551234",
    )


def test_a_name_is_shown_in_the_order_of_the_language(maria):
    with translation.override("ru"):
        assert maria.full_name == "Иванова Мария Петровна"
    with translation.override("en"):
        assert maria.full_name == "Мария Петровна Иванова"
    without = ClientFactory(last_name="Ivanova", first_name="Maria", patronymic="")
    with translation.override("en"):
        assert without.full_name == "Maria Ivanova"


@pytest.mark.parametrize(
    "query",
    [
        "Иванова Мария Петровна",
        "мария иванова",
        "ПЕТРОВНА",
        "Петровна Иванова",
        "иван мар",
        "Иванова Мария",
    ],
)
def test_search_matches_any_subset_of_the_name_in_any_order_and_case(maria, query):
    ClientFactory(last_name="Иванова", first_name="Мария", patronymic="Сергеевна")
    found = Client.objects.search(query)
    assert maria in found
    if "Петровна" in query or "ПЕТРОВНА" in query:
        assert list(found) == [maria]


def test_search_reads_yo_as_ye(db):
    fyodorov = ClientFactory(last_name="Фёдоров", first_name="Пётр", patronymic="")
    assert list(Client.objects.search("федоров петр")) == [fyodorov]


def test_namesakes_differing_only_by_patronymic_are_two_people(client, reception, maria):
    client.force_login(reception)
    response = post_new_client(
        client,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Сергеевна",
        date_of_birth="12.03.1979",
    )
    assert response.status_code == 302
    assert Client.objects.filter(last_name="Иванова").count() == 2


def test_the_duplicate_check_includes_the_patronymic(client, reception, maria):
    client.force_login(reception)
    response = post_new_client(
        client,
        last_name="ИВАНОВА ",
        first_name="мария",
        patronymic="петровна",
        date_of_birth="12.03.1979",
    )
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["date_of_birth"])
    assert Client.objects.filter(last_name__iexact="Иванова").count() == 1


@pytest.mark.parametrize(
    "typed",
    ["8 916 777 66 55", "+7 (916) 777-66-55", "89167776655", "8-916-777-66-55", "9167776655"],
)
def test_phones_are_stored_in_one_international_form(client, reception, typed):
    client.force_login(reception)
    response = post_new_client(client, phone=typed)
    assert response.status_code == 302
    assert Client.objects.get(last_name="Orlova").phone == "+79167776655"


@pytest.mark.parametrize("typed", ["call me", "12-34", "8 916 777", "+7 916 777 66 55 55 55"])
def test_a_number_that_cannot_be_dialled_is_refused_with_what_to_type(client, reception, typed):
    client.force_login(reception)
    response = post_new_client(client, phone=typed)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["phone"])
    assert "not a phone number" in message and "8 916 123-45-67" in message
    assert not Client.objects.filter(last_name="Orlova").exists()


def test_a_phone_is_shown_in_the_national_format(settings, maria):
    assert maria.phone_shown == "8 (916) 555-12-34"
    settings.CLINIC_PHONE_REGION = "GB"
    assert maria.phone_shown == "+7 916 555-12-34"


def test_the_clinic_region_reads_numbers_typed_without_a_country_code(settings):
    settings.CLINIC_PHONE_REGION = "GB"
    assert phones.normalise("020 7946 0958") == "+442079460958"
    assert phones.normalise("+7 916 777-66-55") == "+79167776655"


@pytest.mark.parametrize(
    "query",
    [
        "89165551234",
        "+79165551234",
        "8 (916) 555-12-34",
        "+7 916 555-12-34",
        "555-12-34",
        "8 916 555 12",  # the start of it, typed with the 8
        "916 555-12",
    ],
)
def test_a_phone_is_found_however_it_is_typed(maria, query):
    ClientFactory(phone="+79165550000")
    assert list(Client.objects.search(query)) == [maria]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12.03.1979", datetime.date(1979, 3, 12)),
        ("12031979", datetime.date(1979, 3, 12)),
        ("12/03/1979", datetime.date(1979, 3, 12)),
        ("1979-03-12", datetime.date(1979, 3, 12)),
    ],
)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_date_is_typed_day_first_in_either_language(client, reception, typed, stored, language):
    reception.language = language
    reception.save()
    client.force_login(reception)
    assert post_new_client(client, date_of_birth=typed).status_code == 302
    assert Client.objects.get(last_name="Orlova").date_of_birth == stored


def test_the_form_shows_back_how_it_reads_a_typed_date(client, reception):
    reception.language = "ru"
    reception.save()
    client.force_login(reception)
    url = reverse("date_reading")
    assert client.get(url, {"value": "12031979"}).json() == {"text": "12 марта 1979"}
    assert client.get(url, {"value": "01.05.2020"}).json() == {"text": "1 мая 2020"}
    refused = client.get(url, {"value": "31.02.1979"}).json()
    assert "error" in refused and "12.03.1979" in refused["error"]
    future = client.get(url, {"value": "12.03.2999", "birth": "1"}).json()
    assert "error" in future


@pytest.mark.parametrize(
    ("years", "russian", "english"),
    [
        (1, "1 год", "1 year old"),
        (3, "3 года", "3 years old"),
        (5, "5 лет", "5 years old"),
        (12, "12 лет", "12 years old"),
        (21, "21 год", "21 years old"),
        (44, "44 года", "44 years old"),
    ],
)
def test_a_birth_date_is_read_back_with_the_age_in_the_right_plural(
    client, reception, years, russian, english
):
    today = timezone.localdate()
    born = today.replace(year=today.year - years, day=min(today.day, 28))
    client.force_login(reception)
    url = reverse("date_reading")
    for language, age in (("ru", russian), ("en", english)):
        reception.language = language
        reception.save()
        reading = client.get(url, {"value": born.strftime("%d.%m.%Y"), "birth": "1"}).json()
        assert reading["text"].endswith(f" · {age}"), reading


def test_the_date_field_is_a_day_first_text_box_not_a_month_first_picker(client, reception):
    client.force_login(reception)
    page = client.get(reverse("clinic:client_create")).content.decode()
    field = page[
        page.index('name="date_of_birth"') - 200 : page.index('name="date_of_birth"') + 300
    ]
    assert 'type="date"' not in field
    assert "data-date-reading" in field and "DD.MM.YYYY" in field
