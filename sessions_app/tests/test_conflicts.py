"""Two people editing a course, its plan or a draft session, and every versioned record in
the back office: the second save is refused, the newer record is kept (clinic.lib.versions)."""

import pytest
from django.urls import reverse

from clinic.tests.test_conflicts import form_of
from screening.tests.factories import screen
from sessions_app.models import Course, CourseStep, Session
from sessions_app.tests.factories import course_for, log, treatable_client
from sessions_app.tests.test_pages import formset_data, plan_rows, session_data


@pytest.mark.django_db
def test_a_stale_course_edit_is_refused(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    url = reverse("sessions_app:course_edit", args=[course.client_id, course.pk])
    client.force_login(therapist)
    stale = form_of(client, url)
    client.post(url, {**form_of(client, url), "goal": "Walk without pain"})
    assert client.post(url, {**stale, "goal": "Sit without pain"}).status_code == 409
    assert Course.objects.get().goal == "Walk without pain"


@pytest.mark.django_db
def test_a_stale_plan_is_refused(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    url = reverse("sessions_app:plan_edit", args=[course.client_id, course.pk])
    client.force_login(therapist)
    rows = plan_rows(course, with_duration=True)
    stale = {**formset_data("form", rows), "opened_version": str(course.version)}
    client.post(url, {**formset_data("form", rows[:-1]), "opened_version": str(course.version)})
    assert CourseStep.objects.count() == len(rows) - 1
    response = client.post(url, stale)
    assert response.status_code == 409
    assert CourseStep.objects.count() == len(rows) - 1


@pytest.mark.django_db
def test_a_stale_draft_session_edit_is_refused(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    draft = log(course, days_ago=1)
    url = reverse("sessions_app:session_edit", args=[course.client_id, draft.pk])
    client.force_login(therapist)
    stale = {**session_data(course, pain_after="2"), "opened_version": str(draft.version)}
    fresh = {**session_data(course, pain_after="1"), "opened_version": str(draft.version)}
    assert client.post(url, fresh).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    assert Session.objects.get().pain_after == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["screening", "course", "referralnote"])
def test_the_back_office_refuses_a_stale_form_for_every_versioned_record(
    client, clinic_admin, kind
):
    person = treatable_client()
    record = {
        "screening": lambda: screen(person, days_ago=3),
        "course": lambda: course_for(person),
        "referralnote": lambda: person.referral_notes.get(),
    }[kind]()
    app = "screening" if kind == "screening" else "sessions_app" if kind == "course" else "clinic"
    url = reverse(f"admin:{app}_{kind}_change", args=[record.pk])
    client.force_login(clinic_admin)
    form = client.get(url).context["adminform"].form
    stale = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name != "scan"  # no file to send again
    }
    stale = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stale.items()}
    type(record).objects.get(pk=record.pk).save()  # someone else saves meanwhile
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
