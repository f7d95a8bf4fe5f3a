"""Recording a questionnaire (scored, kept as given, bad answers refused) and a course's
results from baseline to latest, judged by the clinic's thresholds."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outcomes.models import Response, Unchanged, When
from outcomes.services import course_results, record_response
from outcomes.tests import factories
from outcomes.tests.factories import odi
from sessions_app.models import Course
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist, start_days_ago=20)


def take(course, by, answers, *, days_ago=15, **kw):
    return factories.take(course, by, answers, days_ago=days_ago, **kw)


def test_a_response_is_scored_and_kept_as_given(course, therapist):
    response = take(course, therapist, odi(16))
    assert (response.score, response.band) == (Decimal("32.0"), "moderate")
    response.answers["lifting"] = 0
    with pytest.raises(Unchanged):
        response.save()
    with pytest.raises(Unchanged):
        Response.objects.update(score=0)


def test_a_response_that_cannot_be_scored_is_kept_without_a_score(course, therapist):
    answers = odi(16) | {"sex_life": None, "travelling": None}
    assert take(course, therapist, answers).score is None


def test_answers_the_questionnaire_does_not_offer_are_refused(course, therapist):
    with pytest.raises(ValidationError, match="not among those the questionnaire offers"):
        take(course, therapist, odi(16) | {"lifting": 9})
    assert not Response.objects.exists()


def finish(course, days):
    """Log sessions `days` ago, then complete the course."""
    for days_ago in days:
        log(course, days_ago=days_ago)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.COMPLETED)
    course.refresh_from_db()


def test_a_questionnaire_is_dated_within_its_point_of_the_course(course, therapist):
    with pytest.raises(ValidationError, match="Date this questionnaire from"):
        take(course, therapist, odi(16), days_ago=40)  # before the course
    with pytest.raises(ValidationError, match="not due yet: Discharge"):
        take(course, therapist, odi(16), when=When.DISCHARGE, days_ago=1)
    take(course, therapist, odi(20))
    log(course, days_ago=10)
    with pytest.raises(ValidationError, match="Date this questionnaire from"):
        take(course, therapist, {"pain_now": 5}, instrument="pain", days_ago=5)  # after session 1
    with pytest.raises(ValidationError, match="not due yet: after session 2"):
        take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=2, days_ago=1)
    with pytest.raises(ValidationError, match="Date this questionnaire from"):
        take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=1, days_ago=12)
    take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=1, days_ago=9)


def test_a_questionnaire_the_plan_does_not_have_is_refused(course, therapist):
    with pytest.raises(ValidationError, match="plan has no such questionnaire"):
        record_response(
            course=course,
            instrument="odi",
            when=When.FOLLOW_UP,
            days_after=999,
            answers=odi(10),
            how=Response.How.PAPER,
            by=therapist,
        )


def test_an_answer_is_a_number_of_the_item(course, therapist):
    with pytest.raises(ValidationError, match="not among those the questionnaire offers"):
        take(course, therapist, {"pain_now": True}, instrument="pain")


def test_a_stored_response_is_not_written_over_through_its_primary_key(course, therapist):
    kept = take(course, therapist, odi(20))
    forged = Response(
        pk=kept.pk,
        client=kept.client,
        course=course,
        instrument="odi",
        when=When.BASELINE,
        answers=odi(0),
        taken_on=kept.taken_on,
        how=Response.How.PAPER,
        recorded_by=therapist,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    kept.refresh_from_db()
    assert kept.score == 40


def test_the_course_results_go_from_baseline_to_latest_with_a_real_change(course, therapist):
    take(course, therapist, odi(20))  # 40 %
    take(course, therapist, {"pain_now": 7}, instrument="pain")
    for days_ago in (12, 10, 8):
        log(course, days_ago=days_ago)
    take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=3, days_ago=8)
    finish(course, [3])
    take(course, therapist, odi(14), when=When.DISCHARGE, days_ago=1)  # 28 %
    (odi_result, pain_result) = course_results(course)
    assert (odi_result.baseline.score, odi_result.latest.score) == (Decimal(40), Decimal(28))
    assert odi_result.change.by == Decimal(-12)
    assert odi_result.change.improved and odi_result.change.real
    assert pain_result.latest is None and pain_result.change is None


def test_the_clinics_threshold_decides_what_is_real(course, therapist, settings):
    take(course, therapist, odi(20))  # 40 %
    finish(course, [5])
    take(course, therapist, odi(16), when=When.DISCHARGE, days_ago=1)  # 32 %
    (result,) = course_results(course)
    assert not result.change.real
    settings.CLINIC_REAL_CHANGE = {"odi": {"points": 8}}
    (result,) = course_results(course)
    assert result.change.real
