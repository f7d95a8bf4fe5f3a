"""A stage's length typed as people say it, minutes or minutes:seconds."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions_app.lib.durations import StageDurationField, shown
from sessions_app.tests.factories import course_for, treatable_client


@pytest.mark.parametrize(("typed", "seconds"), [("20", 1200), ("3:30", 210), (" 0:45 ", 45)])
def test_minutes_or_minutes_and_seconds_are_read(typed, seconds):
    assert StageDurationField().clean(typed) == seconds


@pytest.mark.parametrize("typed", ["3:75", "three", "3,5", "-2", "1:2"])
def test_anything_else_says_what_to_type(typed):
    with pytest.raises(ValidationError, match="20 or 3:30"):
        StageDurationField().clean(typed)


def test_a_stored_length_is_shown_as_it_is_typed():
    assert (shown(180), shown(1230), shown(45)) == ("3:00", "20:30", "0:45")
    assert StageDurationField().prepare_value(180) == "3:00"


@pytest.mark.django_db
def test_the_session_form_offers_each_stage_in_minutes_and_seconds(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    client.force_login(therapist)
    page = client.get(
        reverse("sessions_app:session_create", args=[course.client_id, course.pk])
    ).content.decode()
    for name, value in [("introductory", "3:00"), ("main", "20:00"), ("final", "5:00")]:
        assert f'name="{name}_duration" value="{value}"' in page
