"""Draft, sign, lock, amend, void: a session is never lost and never silently changed."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.tests.factories import UserFactory
from sessions_app.models import Session
from sessions_app.services import (
    add_addendum,
    replan_course,
    revise_session,
    schedule_sessions,
    sign_session,
    void_session,
)
from sessions_app.tests.factories import course_for, log, plan_steps, treatable_client
from sessions_app.tests.test_pages import session_data

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
    complete = session_data(draft.course, pain_before="0")
    response = client.post(url, complete, follow=True)
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


def test_a_session_is_signed_once(draft, therapist, clinic_admin):
    sign_session(session=draft, by=therapist)
    with pytest.raises(ValidationError, match="already signed or voided"):
        sign_session(session=draft, by=clinic_admin)
    draft.refresh_from_db()
    assert draft.signed_by == therapist


def test_a_void_needs_a_reason(draft, therapist):
    with pytest.raises(ValidationError, match="Say why the session is voided"):
        void_session(session=draft, by=therapist, reason="  ")
    draft.refresh_from_db()
    assert not draft.is_voided


def test_the_planned_number_cannot_fall_below_the_sessions_logged(course, draft):
    log(course, days_ago=1)
    course.planned_sessions = 1
    with pytest.raises(ValidationError, match="2 sessions are already logged"):
        course.full_clean()


def revise(session, steps=None, **changes):
    values = {
        "performed_at": session.performed_at,
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "tolerance": session.tolerance,
        **changes,
    }
    return revise_session(
        session=session,
        by=session.therapist,
        steps=plan_steps(session.course) if steps is None else steps,
        **values,
    )


def test_a_revision_keeps_the_order_of_the_sessions(course):
    first = log(course, days_ago=3)
    log(course, days_ago=2)
    with pytest.raises(ValidationError, match="cannot come after it"):
        revise(first, performed_at=first.performed_at + datetime.timedelta(days=2))


def test_a_revision_keeps_depth_growing_one_level_to_the_next_session(course):
    from sessions_app.models import Intensity

    light = [{**step, "intensity": Intensity.LIGHT} for step in plan_steps(course)]
    deep = [dict(step) for step in plan_steps(course)]
    deep[6]["intensity"] = Intensity.DEEP
    log(course, days_ago=5, steps=light)
    log(course, days_ago=4, steps=light)
    third = log(course, days_ago=3)  # moderate, a draft
    fourth = log(course, days_ago=2, steps=deep)
    sign_session(session=fourth, by=course.therapist)
    with pytest.raises(ValidationError, match="this one must reach at least moderate"):
        revise(third, steps=light)


def test_a_revision_changes_only_what_a_person_records(draft):
    with pytest.raises(TypeError):
        revise(draft, number=42)
    with pytest.raises(TypeError):
        revise(draft, signed_at=draft.performed_at)


def test_a_past_version_cannot_be_restored_in_the_back_office(
    client, clinic_admin, draft, therapist
):
    signed = sign_session(session=draft, by=therapist)
    first_version = signed.history.earliest()
    client.force_login(clinic_admin)
    url = reverse(
        "admin:sessions_app_session_simple_history", args=[signed.pk, first_version.history_id]
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"pain_before": "0", "pain_after": "10"}).status_code == 403
    signed.refresh_from_db()
    assert signed.is_signed and signed.pain_before == 6


@pytest.mark.parametrize(
    "change",
    [
        lambda session, by: sign_session(session=session, by=by),
        lambda session, by: void_session(session=session, by=by, reason="Entered twice."),
        lambda session, by: revise_session(
            session=session,
            by=by,
            steps=plan_steps(session.course),
            performed_at=session.performed_at,
            pain_before=5,
            pain_after=3,
            tolerance="well",
        ),
        lambda session, by: replan_course(
            course=session.course, steps=plan_steps(session.course), by=by
        ),
        lambda session, by: schedule_sessions(course=session.course),
    ],
    ids=["sign", "void", "revise", "replan", "schedule"],
)
def test_nothing_of_an_archived_clients_records_changes(draft, therapist, change):
    draft.course.client.archive()
    with pytest.raises(ValidationError) as refused:
        change(draft, therapist)
    assert refused.value.code == "client_archived"
    draft.refresh_from_db()
    assert draft.is_draft and draft.pain_before == 6


def test_a_signed_session_of_an_archived_client_takes_no_addendum(draft, therapist):
    signed = sign_session(session=draft, by=therapist)
    signed.course.client.archive()
    with pytest.raises(ValidationError, match="is archived"):
        add_addendum(session=signed, by=therapist, text="Later note.")
    assert not signed.addenda.exists()


def test_an_archived_clients_session_pages_send_back_to_the_client(client, draft, therapist):
    draft.course.client.archive()
    client.force_login(therapist)
    url = reverse("sessions_app:session_sign", args=[draft.course.client_id, draft.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == draft.course.client.get_absolute_url()
    assert "is archived; restore it to add or change anything" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_only_the_therapist_who_performed_it_or_a_clinic_admin_voids(
    client, draft, therapist, clinic_admin
):
    signed = sign_session(session=draft, by=therapist)
    colleague = UserFactory()
    colleague.groups.add(*therapist.groups.all())
    with pytest.raises(ValidationError, match="Only the therapist who performed the session"):
        void_session(session=signed, by=colleague, reason="Not mine to void.")
    client.force_login(colleague)
    url = reverse("sessions_app:session_void", args=[signed.course.client_id, signed.pk])
    assert url not in client.get(signed.get_absolute_url()).content.decode()
    client.post(url, {"reason": "Entered twice."})
    signed.refresh_from_db()
    assert not signed.is_voided
    void_session(session=signed, by=clinic_admin, reason="Entered twice.")
    signed.refresh_from_db()
    assert signed.voided_by == clinic_admin


def test_a_form_sent_twice_logs_one_session(client, course, therapist):
    client.force_login(therapist)
    url = reverse("sessions_app:session_create", args=[course.client_id, course.pk])
    token = client.get(url).context["form"]["form_token"].value()
    data = {**session_data(course), "form_token": str(token)}

    first = client.post(url, data)
    # The answer to the first was lost; the browser sends it again, here with a change.
    again = client.post(url, {**data, "pain_after": "2"}, follow=True)

    logged = Session.objects.get(course=course)
    assert first.status_code == 302 and first.url == logged.get_absolute_url()
    assert again.redirect_chain == [(logged.get_absolute_url(), 302)]
    assert "was already logged from this form" in again.content.decode()
    assert logged.pain_after == 3
    other = {**session_data(course), "form_token": str(uuid.uuid4())}
    client.post(url, {**other, "performed_at": data["performed_at"][:-2] + "59"})
    assert Session.objects.filter(course=course).count() == 2


def test_a_form_token_of_another_course_logs_nothing(course, therapist):
    first = log(course, days_ago=2, form_token=uuid.uuid4())
    other = course_for(treatable_client(), by=therapist)
    with pytest.raises(ValidationError, match="used for another course"):
        log(other, days_ago=1, form_token=first.form_token)
    assert not other.sessions.exists()


def test_only_the_therapist_who_performed_it_or_a_clinic_admin_corrects_a_draft(
    draft, therapist, clinic_admin
):
    colleague = UserFactory()
    colleague.groups.add(*therapist.groups.all())
    changes = {
        "steps": plan_steps(draft.course),
        "performed_at": draft.performed_at,
        "pain_before": 6,
        "pain_after": 1,
        "tolerance": "well",
    }
    with pytest.raises(ValidationError, match="Only the therapist who performed the session"):
        revise_session(session=draft, by=colleague, **changes)
    draft.refresh_from_db()
    assert draft.pain_after == 4
    revise_session(session=draft, by=clinic_admin, **changes)
    draft.refresh_from_db()
    assert draft.pain_after == 1


def test_signing_says_what_it_locks_and_asks_first(client, draft, therapist):
    client.force_login(therapist)
    url = reverse("sessions_app:session_sign", args=[draft.course.client_id, draft.pk])
    page = client.get(url).content.decode()
    assert "Signing locks the session" in page and "addendum" in page
    draft.refresh_from_db()
    assert draft.is_draft  # asking signs nothing
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.is_signed
    # Signed: nothing left to confirm, the page goes back to the session.
    assert client.get(url)["Location"] == draft.get_absolute_url()


def test_the_clients_open_course_offers_to_log_a_session(client, course, therapist, reception):
    form = reverse("sessions_app:session_create", args=[course.client_id, course.pk])
    client.force_login(therapist)
    assert f'href="{form}"' in client.get(course.client.get_absolute_url()).content.decode()
    client.force_login(reception)  # reception does not log sessions
    assert f'href="{form}"' not in client.get(course.client.get_absolute_url()).content.decode()
