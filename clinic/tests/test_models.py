import datetime

import pytest
from django.db import IntegrityError

from clinic.lib.audit import record
from clinic.models import AccessLog, Client, RecordCounter, parse_date
from clinic.tests.factories import ClientFactory


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_record_for_the_same_person():
    ClientFactory(first_name="Anna", last_name="Petrova", date_of_birth=datetime.date(1968, 4, 21))
    with pytest.raises(IntegrityError):
        ClientFactory(
            first_name="ANNA", last_name="petrova", date_of_birth=datetime.date(1968, 4, 21)
        )


@pytest.mark.django_db
def test_the_database_itself_refuses_a_birth_date_before_1900():
    with pytest.raises(IntegrityError):
        ClientFactory(date_of_birth=datetime.date(1899, 12, 31))


@pytest.mark.django_db
def test_record_numbers_are_taken_in_blocks_without_gaps_or_repeats():
    assert list(RecordCounter.take(Client.RECORD_SERIES, 3)) == [1, 2, 3]
    assert list(RecordCounter.take(Client.RECORD_SERIES)) == [4]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1968-04-21", datetime.date(1968, 4, 21)),
        ("21.04.1968", datetime.date(1968, 4, 21)),
        ("21/04/1968", datetime.date(1968, 4, 21)),
        # Day first, also with no separators: 12031979 is 12 March, never 3 December.
        ("12031979", datetime.date(1979, 3, 12)),
        # Seven digits are not a date: is 1121979 the 1st of December or the 11th of February?
        ("1121979", None),
        ("31.02.1968", None),
        ("Petrova", None),
    ],
)
def test_birth_dates_typed_in_a_search_box(text, expected):
    assert parse_date(text) == expected


def test_a_person_is_named_by_their_full_name_else_their_username(django_user_model):
    named = django_user_model(username="mvolkova", first_name="Marina", last_name="Volkova")
    assert str(named) == "Marina Volkova"
    assert str(django_user_model(username="front-desk")) == "front-desk"


@pytest.mark.django_db
def test_the_access_log_refuses_a_view_nobody_registered(rf, reception):
    request = rf.get("/")
    request.user = reception
    with pytest.raises(LookupError, match="not a registered access-log view"):
        record(request, None, "peeked", allowed=True)
    assert not AccessLog.objects.exists()
