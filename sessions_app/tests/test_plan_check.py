"""A session in the history says "as planned" in one line, or shows only what differed from
the plan it was logged against; the print view the same."""

import pytest
from django.urls import reverse

from sessions_app.lib.plan_check import differences, planned_steps
from sessions_app.models import Intensity, Session, Technique, Zone
from sessions_app.services import replan_course
from sessions_app.tests.factories import course_for, log, plan_steps, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist)


def session_differences(session):
    session = Session.objects.get(pk=session.pk)
    return [(d.label, d.text) for d in differences(list(session.steps.all()), planned(session))]


def planned(session):
    catalogue = (
        {t.pk: t for t in Technique.objects.all()},
        {z.pk: z for z in Zone.objects.all()},
    )
    return planned_steps(session, catalogue)


def with_changes(course, index, **changes):
    steps = plan_steps(course)
    steps[index] = {**steps[index], **changes}
    return steps


def test_a_session_logged_as_planned_has_no_difference(course):
    assert session_differences(log(course)) == []


def test_a_changed_step_is_named_as_the_form_names_it_with_only_what_changed(course):
    steps = plan_steps(course)
    main = [i for i, step in enumerate(steps) if step["stage"] == 2]
    sacral = Zone.objects.get(code="sacral")
    index = main[1]
    steps[index] = {**steps[index], "zone": sacral, "intensity": Intensity.LIGHT}
    planned_zone = plan_steps(course)[index]["zone"].name.lower()
    (difference,) = session_differences(log(course, steps=steps))
    label, text = difference
    assert label == "Main step 2"
    assert f"zone {planned_zone} → sacral zone" in text
    assert "technique" not in text  # only what differed


def test_added_and_left_out_steps_are_said(course):
    steps = plan_steps(course)
    last_main = max(i for i, step in enumerate(steps) if step["stage"] == 2)
    dropped = steps.pop(last_main)
    extra = {**dropped, "stage": 3, "technique": Technique.objects.get(code="stroking")}
    extra["intensity"] = Intensity.LIGHT
    found = session_differences(log(course, steps=[*steps, extra]))
    texts = " | ".join(text for _, text in found)
    assert "left out: " in texts and "added: stroking over the" in texts


def test_a_later_change_of_plan_does_not_make_an_earlier_session_look_different(course, therapist):
    session = log(course)
    new_plan = [
        {**step, "planned_seconds": None}
        for step in with_changes(
            course, 0, repetitions=3 if plan_steps(course)[0]["repetitions"] == 2 else 2
        )
    ]
    replan_course(course=course, steps=new_plan, by=therapist)
    assert session_differences(session) == []


def test_the_history_and_the_print_view_show_as_planned_or_the_differences(
    client, course, therapist
):
    log(course, days_ago=3)
    steps = plan_steps(course)
    sacral = Zone.objects.get(code="sacral")
    main = [i for i, step in enumerate(steps) if step["stage"] == 2]
    steps[main[1]] = {**steps[main[1]], "zone": sacral, "intensity": Intensity.LIGHT}
    log(course, days_ago=1, steps=steps)
    client.force_login(therapist)
    person = course.client
    for url in (person.get_absolute_url(), reverse("overview:client_print", args=[person.pk])):
        page = client.get(url).content.decode()
        assert page.count("As planned.") == 1, url
        assert "<mark>Main step 2</mark>: zone" in page, url
        assert "All steps" in page, url
