"""When a course's questionnaires fall due: from its template's measure points and its
sessions, including the follow-up after discharge."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outcomes.models import MeasurePoint, Response, When
from outcomes.schedule import course_schedule, schedules
from outcomes.tests.factories import odi, take
from sessions_app.services import void_session
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def template():
    template = standard_template()
    for instrument, when, number, days in [
        ("odi", When.BASELINE, None, None),
        ("pain", When.AFTER_SESSION, 2, None),
        ("odi", When.DISCHARGE, None, None),
        ("odi", When.FOLLOW_UP, None, 30),
    ]:
        MeasurePoint.objects.create(
            template=template,
            instrument=instrument,
            when=when,
            session_number=number,
            days_after=days,
        )
    return template


def schedule(course):
    return {(d.point.instrument, d.point.when): d for d in course_schedule(course)}


def test_the_baseline_is_due_from_the_courses_start(template, therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=3, planned=3)
    due = schedule(course)
    assert due["odi", "baseline"].due_on == course.start_date
    assert due["odi", "baseline"].is_due(TODAY)
    # The others wait for sessions yet to come.
    assert [due[k].due_on for k in [("pain", "after_session"), ("odi", "discharge")]] == [
        None,
        None,
    ]


def test_after_session_n_falls_on_the_day_of_that_session(template, therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=5, planned=3)
    take(course, therapist, odi(20))
    log(course, days_ago=4)
    log(course, days_ago=2)
    assert schedule(course)["pain", "after_session"].due_on == ago(2)


def test_a_voided_session_does_not_count_toward_after_session_n_or_the_last(template, therapist):
    """Sessions are numbered among those that count, in the order they were performed, for
    each course of a page on its own."""
    course = course_for(treatable_client(), by=therapist, start_days_ago=8, planned=3)
    other = course_for(treatable_client(first_name="Other"), by=therapist, start_days_ago=8)
    take(course, therapist, odi(20))
    take(other, therapist, odi(30))
    log(course, days_ago=7)
    voided = log(course, days_ago=6)
    void_session(session=voided, by=therapist, reason="Logged on the wrong client")
    log(other, days_ago=5)
    log(course, days_ago=4)
    log(course, days_ago=3)
    due = {
        course_id: {(d.point.instrument, d.point.when): d for d in dues}
        for course_id, dues in schedules([course, other]).items()
    }
    assert due[course.pk]["pain", "after_session"].due_on == ago(4)
    assert due[course.pk]["odi", "discharge"].due_on == ago(3)
    assert due[course.pk]["odi", "follow_up"].due_on == ago(3) + datetime.timedelta(days=30)
    assert due[course.pk]["odi", "baseline"].closes_on == ago(7)
    assert due[other.pk]["pain", "after_session"].due_on is None  # one session so far
    assert due[other.pk]["odi", "baseline"].closes_on == ago(5)
    assert due[other.pk]["odi", "discharge"].due_on is None
    # Voiding the last session: the course has two that count of three planned, and neither
    # its discharge nor its follow-up is due any more.
    void_session(
        session=course.sessions.get(number=4), by=therapist, reason="Logged twice by mistake"
    )
    [dues] = schedules([course]).values()
    due = {(d.point.instrument, d.point.when): d for d in dues}
    assert due["odi", "discharge"].due_on is None and due["odi", "follow_up"].due_on is None
    assert due["pain", "after_session"].due_on == ago(4)


def test_discharge_and_follow_up_come_after_the_last_session(template, therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=5, planned=2)
    take(course, therapist, odi(20))
    log(course, days_ago=4)
    log(course, days_ago=1)
    due = schedule(course)
    assert due["odi", "discharge"].due_on == ago(1)
    assert due["odi", "follow_up"].due_on == ago(1) + datetime.timedelta(days=30)
    assert not due["odi", "follow_up"].is_due(TODAY)
    assert due["odi", "follow_up"].is_due(ago(1) + datetime.timedelta(days=30))


def test_a_questionnaire_taken_is_no_longer_due(template, therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=3)
    Response.objects.create(
        client=course.client,
        course=course,
        instrument="odi",
        when=When.BASELINE,
        answers={"pain_intensity": 2},
        taken_on=course.start_date,
        how=Response.How.PAPER,
        recorded_by=therapist,
    )
    baseline = schedule(course)["odi", "baseline"]
    assert baseline.taken and not baseline.is_due(TODAY)


def test_the_schedule_reads_four_queries_however_long_the_course(
    template, therapist, django_assert_num_queries
):
    course = course_for(treatable_client(), by=therapist, start_days_ago=12, planned=12)
    take(course, therapist, odi(20))
    for days in range(10, 0, -1):
        log(course, days_ago=days)
    with django_assert_num_queries(4):
        course_schedule(course)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"when": When.AFTER_SESSION}, "Say after which session"),
        ({"when": When.FOLLOW_UP}, "Say how many days after the last session"),
        ({"when": When.BASELINE, "days_after": 3}, "belong to a follow-up only"),
    ],
)
def test_a_measure_point_says_what_it_lacks(fields, message):
    point = MeasurePoint(template=standard_template(), instrument="odi", **fields)
    with pytest.raises(ValidationError, match=message):
        point.full_clean()


def test_a_point_is_set_once_per_questionnaire(template):
    again = MeasurePoint(template=template, instrument="odi", when=When.BASELINE)
    with pytest.raises(ValidationError, match="due at this point already"):
        again.full_clean()


def test_the_questionnaires_are_named_in_the_language_of_the_page():
    from django.utils import translation

    from outcomes.models import instrument_choices

    with translation.override("ru"):
        assert dict(instrument_choices())["odi"].startswith("Индекс")
    with translation.override("en"):
        assert dict(instrument_choices())["odi"] == "Oswestry Disability Index (ODI)"
