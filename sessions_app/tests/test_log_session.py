"""log_session and its rules: each rule broken alone, with the message a person reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from screening.tests.factories import screen
from sessions_app.models import Course, Intensity, Session, SessionStep, Stage, Technique, Zone
from sessions_app.services import log_session
from sessions_app.tests.factories import course_for, log, plan_steps, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return course_for(treatable_client())


def technique(code):
    return Technique.objects.get(code=code)


def zone(code):
    return Zone.objects.get(code=code)


def refused(course, **kwargs):
    """The messages of the ValidationError log_session raises; and nothing was stored."""
    sessions, steps = Session.objects.count(), SessionStep.objects.count()
    with pytest.raises(ValidationError) as refusal:
        log(course, **kwargs)
    assert (Session.objects.count(), SessionStep.objects.count()) == (sessions, steps)
    return refusal.value.messages


def with_step(course, index, **changes):
    steps = plan_steps(course)
    steps[index] = {**steps[index], **changes}
    return steps


def test_a_full_session_from_the_standard_template_is_logged_as_a_numbered_draft(course):
    session = log(course, days_ago=2)

    assert session.number == 1
    assert session.is_draft
    assert session.steps.count() == 14
    assert [s.stage for s in session.steps.all()][:5] == [Stage.INTRODUCTORY] * 5
    assert session.history.count() == 1
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE
    assert log(course, days_ago=1).number == 2


# --- when ----------------------------------------------------------------------------------


def test_it_refuses_a_session_in_the_future(course):
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as refusal:
        log_session(
            course=course,
            by=course.therapist,
            performed_at=later,
            steps=plan_steps(course),
            pain_before=5,
            pain_after=3,
            tolerance="well",
        )
    assert refusal.value.messages == [
        "The session is dated in the future; log it once it has been performed."
    ]


def test_it_refuses_a_session_before_the_course_starts(course):
    messages = refused(course, days_ago=31)
    assert messages == [
        f"The course starts on {course.start_date:%d.%m.%Y}; the session cannot be before it."
    ]


@pytest.mark.parametrize("status", [Course.Status.CANCELLED, Course.Status.COMPLETED])
def test_it_refuses_a_session_on_a_closed_course(course, status):
    Course.objects.filter(pk=course.pk).update(status=status)
    course.refresh_from_db()
    assert refused(course) == [
        f"The course is {status.label.lower()}; no session can be logged on it."
    ]


def test_it_refuses_a_session_past_the_planned_number_until_the_course_is_extended():
    course = course_for(treatable_client(), planned=2)
    log(course, days_ago=3)
    log(course, days_ago=2)
    assert refused(course, days_ago=1) == [
        "All 2 planned sessions are logged; extend the course to log another."
    ]
    course.refresh_from_db()  # logging made the course active: a newer version
    course.planned_sessions = 3
    course.save()
    assert log(course, days_ago=1).number == 3


# --- eligibility ---------------------------------------------------------------------------


def test_it_refuses_a_session_when_hypertension_was_found(course):
    screen(course.client, days_ago=1, pressure=(160, 95))  # the latest screening that day
    messages = refused(course, days_ago=1)
    assert len(messages) == 1
    assert messages[0].endswith("found hypertension (blood pressure 160/95 mm Hg).")


def test_it_refuses_a_session_on_a_day_without_a_valid_screening():
    client = treatable_client(days=0)  # screened today only
    course = course_for(client)
    (message,) = refused(course, days_ago=3)
    assert message.startswith("No contraindication screening on or before")


def test_it_refuses_a_session_for_an_archived_client(course):
    course.client.archive()
    assert refused(course)[0].startswith(f"The record of {course.client.full_name} is archived")


# --- the steps -----------------------------------------------------------------------------


def test_every_stage_needs_a_step(course):
    steps = [s for s in plan_steps(course) if s["stage"] != Stage.FINAL]
    assert refused(course, steps=steps) == ["The final stage has no step; add at least one."]


def test_the_introduction_opens_with_the_gluteal_stretch_or_stroking(course):
    steps = with_step(course, 0, technique=technique("kneading"))
    assert refused(course, steps=steps) == [
        "Introductory step 1 (kneading over the gluteal zone, light): the session opens with "
        "stroking or gluteal stretch."
    ]


def test_nothing_in_the_introduction_is_deep(course):
    log(course, days_ago=5)
    log(course, days_ago=4)
    steps = with_step(course, 1, intensity=Intensity.DEEP)
    assert refused(course, steps=steps) == [
        "Introductory step 2 (stroking over the pelvic area, deep): the introductory stage "
        "only warms up; nothing in it may be deep."
    ]


def test_the_final_stage_has_only_relaxing_techniques(course):
    steps = with_step(course, 12, technique=technique("kneading"))
    assert refused(course, steps=steps) == [
        "Final step 2 (kneading over the gluteal zone, light): the final stage closes with "
        "relaxing techniques only (stroking or shaking)."
    ]


@pytest.mark.parametrize("repetitions", [1, 4])
def test_each_technique_is_repeated_two_or_three_times(course, repetitions):
    steps = with_step(course, 6, repetitions=repetitions)
    assert refused(course, steps=steps) == [
        f"Main step 2 (kneading over the lumbar zone, moderate): repeat each technique 2–3 "
        f"times, not {repetitions}."
    ]


@pytest.mark.parametrize(
    ("zone_code", "name"),
    [("kidney_area", "kidney area"), ("heart_projection", "heart projection")],
)
def test_no_step_is_deeper_than_its_zone_allows(course, zone_code, name):
    steps = with_step(course, 6, zone=zone(zone_code), intensity=Intensity.MODERATE)
    assert refused(course, steps=steps) == [
        f"Main step 2 (kneading over the {name}, moderate): the {name} allows light work only."
    ]


# --- gentle start --------------------------------------------------------------------------


def test_the_first_two_sessions_have_no_deep_step(course):
    steps = with_step(course, 6, intensity=Intensity.DEEP)
    assert refused(course, days_ago=3, steps=steps) == [
        "Session 1 of the course is one of the first two, which are gentle: no step may be deep."
    ]
    log(course, days_ago=3)
    assert refused(course, days_ago=2, steps=steps)[0].startswith("Session 2 of the course")


def test_depth_grows_at_most_one_level_from_the_previous_session(course):
    light_only = [{**step, "intensity": Intensity.LIGHT} for step in plan_steps(course)]
    log(course, days_ago=4, steps=light_only)
    log(course, days_ago=3, steps=light_only)
    deep = with_step(course, 6, intensity=Intensity.DEEP)
    (message,) = refused(course, days_ago=2, steps=deep)
    assert message.startswith("The deepest step is deep, but the previous session (Session 2 of")
    assert message.endswith("went no deeper than light: deepen one level at a time.")
    log(course, days_ago=2)  # moderate: one level up
    assert log(course, days_ago=1, steps=deep).number == 4


def test_voided_sessions_do_not_count_toward_the_gentle_start(course):
    from sessions_app.services import void_session

    for days_ago in (4, 3):
        void_session(
            session=log(course, days_ago=days_ago), by=course.therapist, reason="Wrong client"
        )
    deep = with_step(course, 6, intensity=Intensity.DEEP)
    assert refused(course, days_ago=2, steps=deep)[0].startswith("Session 1 of the course")


# --- measures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain_before", 11, "Pain before the session is scored 0 to 10, not 11."),
        ("pain_after", -1, "Pain after the session is scored 0 to 10, not -1."),
        (
            "introductory_seconds",
            10,
            "The introductory stage lasts 0 min 30 s to 15 min, not 0 min 10 s.",
        ),
        ("main_seconds", 4 * 3600, "The main stage lasts 1 min to 60 min, not 240 min."),
        ("final_seconds", 25 * 60, "The final stage lasts 0 min 30 s to 20 min, not 25 min."),
    ],
)
def test_pain_scores_and_stage_durations_stay_in_bounds(course, field, value, message):
    assert refused(course, **{field: value}) == [message]


def test_every_broken_rule_is_named_at_once(course):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CANCELLED)
    course.refresh_from_db()
    steps = with_step(course, 0, technique=technique("kneading"), repetitions=5)
    messages = refused(course, steps=steps, pain_after=12)
    assert [m.split(":")[0].split(";")[0] for m in messages] == [
        "The course is cancelled",
        "Pain after the session is scored 0 to 10, not 12.",
        "Introductory step 1 (kneading over the gluteal zone, light)",
        "Introductory step 1 (kneading over the gluteal zone, light)",
    ]


def test_the_database_refuses_what_the_service_would(course):
    from django.db import IntegrityError, transaction

    session = log(course)
    for field, value in [("pain_before", 11), ("main_seconds", 5), ("number", 1)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            copy = Session.objects.get(pk=session.pk)
            copy.pk = None
            copy.number = 2
            setattr(copy, field, value)
            copy.save()


def test_sessions_are_logged_in_the_order_they_were_performed(course):
    log(course, days_ago=2)
    (message,) = refused(course, days_ago=5)
    assert message.startswith("Session 1 of ")
    assert message.endswith("cannot come before it.")


def test_a_back_dated_session_cannot_skip_the_gentle_start(course):
    log(course, days_ago=2)
    log(course, days_ago=1)
    deep = with_step(course, 6, intensity=Intensity.DEEP)
    messages = refused(course, days_ago=20, steps=deep)
    assert any(m.endswith("cannot come before it.") for m in messages)


def test_a_retired_technique_cannot_be_logged(course):
    Technique.objects.filter(code="rubbing").update(is_active=False)
    (message,) = refused(course)
    assert message == (
        "Main step 1 (rubbing over the paravertebral zone, moderate): the technique "
        "“Rubbing” is retired; choose one in use."
    )
