"""Planning and logging through the pages, as a therapist does it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import STEP_FIELDS, Course, Intensity, PlannedSession, Session, Zone
from sessions_app.tests.factories import (
    course_for,
    log,
    standard_template,
    treatable_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return treatable_client()


@pytest.fixture
def course(person, therapist):
    return course_for(person, by=therapist)


def formset_data(prefix, rows, extra=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
    return data


def plan_rows(course, with_duration=False):
    fields = [*STEP_FIELDS, "planned_seconds"] if with_duration else STEP_FIELDS
    return [
        {name: getattr(step, f"{name}_id", None) or getattr(step, name) for name in fields}
        for step in course.steps.all()
    ]


def session_data(course, rows=None, **changes):
    performed = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "performed_at": performed.strftime("%Y-%m-%dT%H:%M"),
        "introductory_duration": "3:00",
        "main_duration": "20",
        "final_duration": "5:00",
        "pain_before": "6",
        "pain_after": "3",
        "tolerance": "well",
        "notes": "Tense on the left side.",
    }
    data.update(changes)
    data.update(formset_data("form", plan_rows(course) if rows is None else rows))
    return data


def test_a_therapist_plans_a_course_from_the_standard_scheme(client, therapist, person):
    client.force_login(therapist)
    url = reverse("sessions_app:course_create", args=[person.pk])
    form = client.get(url).context["form"]
    assert form.initial["therapist"] == therapist.pk  # defaults to whoever plans it

    response = client.post(
        url,
        {
            "template": standard_template().pk,
            "therapist": therapist.pk,
            "referral": person.referral_notes.get().pk,
            "goal": "Sit through a working day without pain.",
            "planned_sessions": "10",
            "start_date": timezone.localdate().isoformat(),
            "frequency_days": "2",
        },
    )

    course = Course.objects.get()
    assert response.url == course.get_absolute_url()
    assert course.massage_type == "classic"
    assert course.steps.count() == standard_template().steps.count()
    assert course.status == Course.Status.PLANNED


def test_a_course_cannot_rest_on_a_referral_that_does_not_clear(client, therapist, person):
    note = person.referral_notes.get()
    note.decision, note.restrictions = "not_cleared", ""
    note.save()
    client.force_login(therapist)
    response = client.post(
        reverse("sessions_app:course_create", args=[person.pk]),
        {
            "template": standard_template().pk,
            "therapist": therapist.pk,
            "referral": note.pk,
            "goal": "Less pain",
            "planned_sessions": "10",
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert "does not clear manual therapy" in response.content.decode()
    assert Course.objects.count() == 0


def test_a_course_planned_with_a_frequency_has_its_dates_at_once(client, therapist):
    person = treatable_client()
    client.force_login(therapist)
    client.post(
        reverse("sessions_app:course_create", args=[person.pk]),
        {
            "template": standard_template().pk,
            "therapist": therapist.pk,
            "referral": person.referral_notes.get().pk,
            "goal": "Less pain",
            "planned_sessions": "6",
            "start_date": timezone.localdate().strftime("%d.%m.%Y"),
            "frequency_days": "2",
        },
    )
    course = Course.objects.get()
    dates = list(course.planned.values_list("planned_on", flat=True))
    assert dates == [timezone.localdate() + datetime.timedelta(days=2 * i) for i in range(6)]
    # A new frequency on the course's form moves the dates with it.
    client.post(
        reverse("sessions_app:course_edit", args=[person.pk, course.pk]),
        {
            "therapist": therapist.pk,
            "referral": course.referral_id,
            "goal": "Less pain",
            "planned_sessions": "6",
            "frequency_days": "3",
            "status": course.status,
            "opened_version": course.version,
        },
    )
    dates = list(course.planned.values_list("planned_on", flat=True))
    assert dates[1] - dates[0] == datetime.timedelta(days=3)


def test_the_planned_dates_are_generated_in_one_action(client, therapist, course):
    course.frequency_days = 3
    course.save()
    client.force_login(therapist)
    client.post(reverse("sessions_app:course_schedule", args=[course.client_id, course.pk]))
    dates = list(PlannedSession.objects.filter(course=course).values_list("planned_on", flat=True))
    assert len(dates) == 10
    assert dates[1] - dates[0] == datetime.timedelta(days=3)
    client.post(reverse("sessions_app:course_schedule", args=[course.client_id, course.pk]))
    assert PlannedSession.objects.filter(course=course).count() == 10


def test_the_plan_is_adjusted_for_the_client_within_the_rules(client, therapist, course):
    client.force_login(therapist)
    url = reverse("sessions_app:plan_edit", args=[course.client_id, course.pk])
    rows = plan_rows(course, with_duration=True)
    kidney = Zone.objects.get(code="kidney_area")
    rows[6] = {**rows[6], "zone": kidney.pk}  # main kneading moved over the kidneys, moderate

    refused = client.post(url, formset_data("form", rows))
    assert "the kidney area allows light work only" in refused.content.decode()
    assert course.steps.filter(zone=kidney).count() == 1  # unchanged: only the planned stroking

    rows[6]["intensity"] = Intensity.LIGHT
    rows = rows[:-1]  # and one step fewer
    client.post(url, formset_data("form", rows))
    assert course.steps.count() == 13
    assert course.steps.filter(zone=kidney).count() == 2


def test_a_full_session_is_logged_from_the_prefilled_form(client, therapist, course):
    client.force_login(therapist)
    url = reverse("sessions_app:session_create", args=[course.client_id, course.pk])
    formset = client.get(url).context["formset"]
    assert len(formset.initial) == 14  # prefilled from the plan

    response = client.post(url, session_data(course))

    session = Session.objects.get()
    assert response.url == session.get_absolute_url()
    assert session.steps.count() == 14
    assert (session.main_seconds, session.final_seconds) == (1200, 300)
    assert session.is_draft


def test_the_spare_empty_rows_a_browser_sends_are_left_out(client, therapist, course):
    client.force_login(therapist)
    rows = plan_rows(course) + [dict.fromkeys(STEP_FIELDS, "")] * 2
    data = session_data(course, rows=rows)
    data["form-INITIAL_FORMS"] = str(len(rows) - 2)
    response = client.post(
        reverse("sessions_app:session_create", args=[course.client_id, course.pk]), data
    )
    assert response.status_code == 302
    assert Session.objects.get().steps.count() == 14


def test_a_broken_rule_is_explained_on_the_form_and_nothing_is_stored(client, therapist, course):
    client.force_login(therapist)
    rows = plan_rows(course)
    kidney = Zone.objects.get(code="kidney_area")
    rows[6] = {**rows[6], "zone": kidney.pk, "intensity": Intensity.DEEP}

    response = client.post(
        reverse("sessions_app:session_create", args=[course.client_id, course.pk]),
        session_data(course, rows=rows),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "Main step 2 (kneading over the kidney area, deep): the kidney area allows light" in page
    assert "one of the first two, which are gentle" in page
    assert Session.objects.count() == 0


def test_bad_form_input_is_refused_on_the_field(client, therapist, course):
    client.force_login(therapist)
    response = client.post(
        reverse("sessions_app:session_create", args=[course.client_id, course.pk]),
        session_data(course, pain_before="eleven", performed_at="yesterday"),
    )
    errors = response.context["form"].errors
    assert "Enter a whole number." in errors["pain_before"]
    assert "Enter a valid date/time." in errors["performed_at"]
    assert Session.objects.count() == 0


def test_reception_sees_the_course_and_session_dates_but_no_clinical_notes(
    client, reception, course
):
    session = log(course, notes="Complains of numbness in the left leg.", pain_before=7)
    client.force_login(reception)
    page = client.get(course.get_absolute_url()).content.decode()
    assert f"{timezone.localtime(session.performed_at):%d.%m.%Y %H:%M}" in page
    assert "numbness" not in page
    assert "7 →" not in page
    assert client.get(session.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("sessions", [2, 9])
def test_the_course_page_needs_the_same_queries_however_many_sessions(
    client, therapist, course, django_assert_num_queries, sessions
):
    for day in range(sessions, 0, -1):
        log(course, days_ago=day)
    client.force_login(therapist)
    # session, user, client, permissions (2), course, sessions, the plan, planned dates,
    # the access-log row, the back-office link check, the questionnaires due (outcomes'
    # panel: one query when the plan has none), the course's appointments (appointments'
    # panel; appointments/tests/test_day_pages.py pins it with appointments)
    # + renewing the idle session on every request: savepoint, update, release (3)
    with django_assert_num_queries(16):
        response = client.get(course.get_absolute_url())
    assert response.context["done"] == sessions


def test_reception_sees_neither_the_goal_nor_the_plan(client, reception, course):
    client.force_login(reception)
    page = client.get(course.get_absolute_url()).content.decode()
    assert course.goal not in page
    assert "Fist-crest stretching" not in page
    assert "Plan of each session" not in page


def days_from_today(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        (days_from_today(-61), "cannot start before the specialist"),
        (days_from_today(400), "Plan a course to start within a year."),
        ("9999-12-01", "Plan a course to start within a year."),
        ("31.02.2026", "Enter a valid date"),
    ],
)
def test_a_course_starts_between_its_referral_and_a_year_ahead(
    client, therapist, person, start_date, message
):
    client.force_login(therapist)
    response = client.post(
        reverse("sessions_app:course_create", args=[person.pk]),
        {
            "template": standard_template().pk,
            "therapist": therapist.pk,
            "referral": person.referral_notes.get().pk,
            "goal": "Less pain",
            "planned_sessions": "60",
            "start_date": start_date,
            "frequency_days": "30",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Course.objects.count() == 0


def test_a_template_left_behind_by_a_catalogue_edit_cannot_be_planned(
    client, therapist, clinic_admin, person
):
    from sessions_app.models import Technique

    client.force_login(clinic_admin)
    shaking = Technique.objects.get(code="shaking")
    response = client.post(
        reverse("admin:sessions_app_technique_change", args=[shaking.pk]),
        {
            "name": shaking.name,
            "category": shaking.category,
            "description": shaking.description,
            "position": shaking.position,
        },  # retired: "in use" unticked
        follow=True,
    )
    assert "no longer follow the clinic" in response.content.decode()
    client.force_login(therapist)
    refused = client.post(
        reverse("sessions_app:course_create", args=[person.pk]),
        {
            "template": standard_template().pk,
            "therapist": therapist.pk,
            "referral": person.referral_notes.get().pk,
            "goal": "Less pain",
            "planned_sessions": "10",
            "start_date": timezone.localdate().isoformat(),
        },
    )
    page = refused.content.decode()
    assert "needs correcting first" in page
    assert "the technique “Shaking” is retired" in page
    assert Course.objects.count() == 0


def test_a_refused_step_is_marked_on_its_row_and_the_summary_links_to_it(client, therapist, course):
    client.force_login(therapist)
    data = session_data(course)
    # The seventh row of the plan, moved over the kidney area and made deep.
    kidney = Zone.objects.get(code="kidney_area")
    data["form-6-zone"], data["form-6-intensity"] = str(kidney.pk), str(Intensity.DEEP)
    response = client.post(
        reverse("sessions_app:session_create", args=[course.client_id, course.pk]), data
    )
    page = response.content.decode()
    rows = response.context["formset"].forms
    refused = [number for number, row in enumerate(rows, start=1) if getattr(row, "refusals", [])]
    assert refused == [7]
    # Named as the messages name it, marked, and described by its refusal.
    assert rows[6].step_label == "Main step 2"
    assert 'id="step-7" class="table-danger"' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="step-7-refusal-1"' in page
    assert 'href="#step-7"' in page
    assert Session.objects.count() == 0
