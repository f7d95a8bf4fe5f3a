"""The client's page: the eligibility banner, the referral notes and screenings, fast."""

import pytest
from django.urls import reverse

from clinic.models import ReferralNote
from clinic.tests.factories import ReferralNoteFactory
from consent.tests.factories import consent
from screening.tests.factories import screen
from sessions_app.services import add_addendum, sign_session
from sessions_app.tests.factories import bulk_sessions, course_for, log, treatable_client


def page_of(client, user, record):
    client.force_login(user)
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_banner_says_the_client_may_be_treated_and_until_when(client, therapist, client_record):
    ReferralNoteFactory(client=client_record)
    screen(client_record, days_ago=1)
    consent(client_record, days_ago=3)
    page = page_of(client, therapist, client_record)
    assert "May be treated today" in page
    assert "Cleared until" in page


def test_the_banner_gives_every_reason_and_warning(client, reception, client_record):
    ReferralNoteFactory(
        client=client_record,
        decision=ReferralNote.Decision.CLEARED_WITH_RESTRICTIONS,
        restrictions="No deep work over the sacrum.",
    )
    screen(client_record, found=["tuberculosis"], unknown=["tumour"])
    page = page_of(client, reception, client_record)
    assert "Not to be treated today" in page
    assert 'data-code="contraindication_present"' in page
    assert 'data-code="contraindication_unknown"' in page
    assert "No deep work over the sacrum." in page


def test_the_page_lists_referral_notes_and_screenings_with_their_outcomes(
    client, therapist, client_record
):
    ReferralNoteFactory(client=client_record, specialist_name="Dr Sidorova")
    screen(client_record, pressure=(160, 100))
    page = page_of(client, therapist, client_record)
    assert "Dr Sidorova" in page
    assert "Contraindicated" in page
    assert "160/100" in page


def test_links_to_add_records_follow_the_role(client, reception, therapist, client_record):
    new_referral = reverse("clinic:referral_create", args=[client_record.pk])
    new_screening = reverse("screening:create", args=[client_record.pk])
    reception_page = page_of(client, reception, client_record)
    therapist_page = page_of(client, therapist, client_record)
    assert new_referral in reception_page and new_screening not in reception_page
    assert new_screening in therapist_page and new_referral not in therapist_page


@pytest.mark.parametrize("sessions", [1, 300])
def test_the_client_page_needs_the_same_queries_however_long_the_history(
    client, therapist, django_assert_num_queries, sessions
):
    person = treatable_client(days=40)
    consulted = person.referral_notes.get().consult_date
    for day in range(sessions // 30):  # the other records grow with the history too
        ReferralNoteFactory(client=person, consult_date=consulted)
        screen(person, days_ago=30 + day, found=["tumour"])
        course_for(person, start_days_ago=30)
    screen(person, days_ago=30, found=["tumour"])
    course = course_for(person, planned=60)  # the bulk insert goes past it on purpose
    for earlier in bulk_sessions(course, sessions, start_days_ago=20)[: sessions // 50]:
        add_addendum(session=earlier, by=therapist, text="Called back: less pain at night.")
    addendum_on = log(course_for(person), days_ago=0)
    sign_session(session=addendum_on, by=addendum_on.therapist)
    add_addendum(session=addendum_on, by=addendum_on.therapist, text="Felt better in the evening.")
    client.force_login(therapist)
    # session, user, client, permissions (2), conditions, eligibility (4), the history
    # (referral notes, consents, screenings and answers, courses, sessions and their
    # therapists, addenda, questionnaires, appointments),
    # the steps of the sessions on this page of the timeline with their techniques and zones
    # (3), the body map's zones and its zone counts, the
    # access-log row, the record's change log (2), the back-office link
    # + renewing the idle session on every request: savepoint, update, release (3)
    # + comparing each session with its plan: the catalogue for the plans kept with the
    # sessions (2), the courses' own plans for sessions logged before (3)
    with django_assert_num_queries(37):
        response = client.get(person.get_absolute_url())
    assert response.context["pain"]["points"][-1]["session"] == addendum_on
    assert len(response.context["pain"]["points"]) == sessions + 1
