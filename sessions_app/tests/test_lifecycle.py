"""Draft, sign, lock, amend, void: a session is never lost and never silently changed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.tests.factories import UserFactory
from sessions_app.models import Session
from sessions_app.services import add_addendum, revise_session, sign_session, void_session
from sessions_app.tests.factories import course_for, log, plan_steps, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist)


@pytest.fixture
def draft(course):
    return log(course, days_ago=2, pain_before=6, pain_after=4)


def test_a_draft_can_be_revised_under_the_same_rules(draft, therapist):
    revise_session(
        session=draft,
        by=therapist,
        steps=plan_steps(draft.course),
        performed_at=draft.performed_at,
        pain_before=6,
        pain_after=3,
        tolerance="discomfort",
    )
    draft.refresh_from_db()
    assert (draft.pain_after, draft.tolerance) == (3, "discomfort")
    assert draft.history.count() == 2
    with pytest.raises(ValidationError, match="scored 0 to 10"):
        revise_session(
            session=draft,
            by=therapist,
            steps=plan_steps(draft.course),
            performed_at=draft.performed_at,
            pain_before=6,
            pain_after=30,
            tolerance="well",
        )


def test_a_signed_session_is_locked(draft, therapist):
    sign_session(session=draft, by=therapist)
    with pytest.raises(ValidationError, match="locked; add an addendum instead"):
        revise_session(
            session=draft,
            by=therapist,
            steps=plan_steps(draft.course),
            performed_at=draft.performed_at,
            pain_before=1,
            pain_after=0,
            tolerance="well",
        )
    draft.refresh_from_db()
    assert draft.pain_before == 6


def test_the_edit_page_of_a_signed_session_refuses_and_stores_nothing(client, draft, therapist):
    sign_session(session=draft, by=therapist)
    client.force_login(therapist)
    url = reverse("sessions_app:session_edit", args=[draft.course.client_id, draft.pk])
    response = client.post(url, {"pain_before": "0"}, follow=True)
    assert "This session is locked" in response.content.decode()
    draft.refresh_from_db()
    assert draft.pain_before == 6


def test_only_the_therapist_who_performed_it_or_a_clinic_admin_signs(draft, clinic_admin):
    colleague = UserFactory()
    with pytest.raises(ValidationError, match="Only the therapist who performed the session"):
        sign_session(session=draft, by=colleague)
    sign_session(session=draft, by=clinic_admin)
    draft.refresh_from_db()
    assert draft.signed_by == clinic_admin


def test_an_addendum_is_kept_and_the_original_stays_as_it_was(client, draft, therapist):
    sign_session(session=draft, by=therapist)
    client.force_login(therapist)
    url = reverse("sessions_app:addendum_create", args=[draft.course.client_id, draft.pk])

    client.post(url, {"text": "Pain after was 5, not 4: the client said so the next day."})

    draft.refresh_from_db()
    assert draft.pain_after == 4
    (addendum,) = draft.addenda.all()
    assert addendum.author == therapist
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Pain after was 5, not 4" in page


def test_a_draft_takes_no_addendum(draft, therapist):
    with pytest.raises(ValidationError, match="is a draft"):
        add_addendum(session=draft, by=therapist, text="Later note")


def test_a_voided_session_stays_visible_and_stops_counting(client, course, therapist):
    first = log(course, days_ago=3)
    log(course, days_ago=2)
    client.force_login(therapist)
    url = reverse("sessions_app:session_void", args=[course.client_id, first.pk])

    refused = client.post(url, {"reason": "   "})
    assert "This field is required" in refused.content.decode()
    client.post(url, {"reason": "Logged on the wrong client"})

    first.refresh_from_db()
    assert first.is_voided and first.void_reason == "Logged on the wrong client"
    assert Session.objects.filter(pk=first.pk).exists()
    page = client.get(course.get_absolute_url())
    assert page.context["done"] == 1
    assert "1 of 10 sessions done" in page.content.decode()
    assert "Voided" in page.content.decode()
    assert log(course, days_ago=1).number == 3  # numbers stay gap-free, voided included


def test_a_session_is_voided_once(draft, therapist):
    void_session(session=draft, by=therapist, reason="Duplicate")
    with pytest.raises(ValidationError, match="already voided"):
        void_session(session=draft, by=therapist, reason="Again")
