"""Two people editing one record: the second save is refused, the newer record is kept."""

import pytest
from django.urls import reverse

from clinic.models import Client
from clinic.tests.factories import ReferralNoteFactory
from sessions_app.models import Course, CourseStep, Session
from sessions_app.tests.factories import course_for, log, treatable_client
from sessions_app.tests.test_pages import formset_data, plan_rows, session_data


def form_of(client, url):
    """What a browser would post back, as the page was when it was opened."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_a_client_edit_opened_before_another_save_is_refused(
    client, reception, therapist, client_record
):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    # Meanwhile a therapist saves a change.
    client.force_login(therapist)
    client.post(url, {**form_of(client, url), "complaint": "Pain now radiates to the left leg."})
    client.force_login(reception)

    response = client.post(url, {**stale, "phone": "+79160000999"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing of yours was saved" in page
    assert "+79160000999" in page and "Pain now radiates to the left leg." in page
    client_record.refresh_from_db()
    assert client_record.complaint == "Pain now radiates to the left leg."
    assert client_record.phone != "+79160000999"


def test_an_edit_on_the_current_version_is_saved(client, reception, client_record):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    first = client.post(url, {**form_of(client, url), "phone": "+79160000111"})
    second = client.post(url, {**form_of(client, url), "phone": "+79160000222"})
    assert first.status_code == second.status_code == 302
    client_record.refresh_from_db()
    assert (client_record.phone, client_record.version) == ("+79160000222", 3)


def test_an_archive_in_between_also_refuses_a_stale_edit(client, reception, client_record):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    client_record.archive()
    client_record.restore()
    assert client.post(url, {**stale, "phone": "+79160000333"}).status_code == 409


def test_a_stale_referral_edit_is_refused(client, reception, client_record):
    note = ReferralNoteFactory(client=client_record)
    url = reverse("clinic:referral_edit", args=[client_record.pk, note.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    client.post(url, {**form_of(client, url), "diagnosis": "Disc protrusion L5-S1"})
    response = client.post(url, {**stale, "diagnosis": "Osteochondrosis"})
    assert response.status_code == 409
    note.refresh_from_db()
    assert note.diagnosis == "Disc protrusion L5-S1"


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


def test_the_back_office_obeys_the_same_rule(client, clinic_admin, therapist, client_record):
    url = reverse("admin:clinic_client_change", args=[client_record.pk])
    client.force_login(clinic_admin)
    form = client.get(url).context["adminform"].form
    assert form["opened_version"].value() == client_record.version
    client_record.complaint = "Changed by someone else"
    client_record.save()
    stale = {
        "first_name": client_record.first_name,
        "last_name": client_record.last_name,
        "date_of_birth": client_record.date_of_birth.isoformat(),
        "sex": client_record.sex,
        "phone": "+79160000444",
        "opened_version": str(form["opened_version"].value()),
    }
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert Client.objects.get().phone != "+79160000444"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["screening", "course", "referralnote"])
def test_the_back_office_refuses_a_stale_form_for_every_versioned_record(
    client, clinic_admin, kind
):
    from screening.tests.factories import screen

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
