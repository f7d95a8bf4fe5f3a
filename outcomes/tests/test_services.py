"""Recording a questionnaire (scored, kept as given, bad answers refused) and a course's
results from baseline to latest, judged by the clinic's thresholds."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from outcomes.models import Response, Unchanged, When
from outcomes.services import course_results
from outcomes.tests import factories
from outcomes.tests.factories import odi
from sessions_app.tests.factories import course_for, treatable_client

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


def test_a_questionnaire_is_taken_within_the_course(course, therapist):
    with pytest.raises(ValidationError, match="between the course's start and today"):
        take(course, therapist, odi(16), days_ago=40)


def test_the_course_results_go_from_baseline_to_latest_with_a_real_change(course, therapist):
    take(course, therapist, odi(20))  # 40 %
    take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=3, days_ago=8)
    take(course, therapist, odi(14), when=When.DISCHARGE, days_ago=1)  # 28 %
    take(course, therapist, {"pain_now": 7}, instrument="pain")
    (odi_result, pain_result) = course_results(course)
    assert (odi_result.baseline.score, odi_result.latest.score) == (Decimal(40), Decimal(28))
    assert odi_result.change.by == Decimal(-12)
    assert odi_result.change.improved and odi_result.change.real
    assert pain_result.latest is None and pain_result.change is None


def test_the_clinics_threshold_decides_what_is_real(course, therapist, settings):
    take(course, therapist, odi(20))  # 40 %
    take(course, therapist, odi(16), when=When.DISCHARGE, days_ago=1)  # 32 %
    (result,) = course_results(course)
    assert not result.change.real
    settings.CLINIC_REAL_CHANGE = {"odi": {"points": 8}}
    (result,) = course_results(course)
    assert result.change.real
