"""Questionnaires for tests: answers adding up to a known score, recorded by the service."""

import datetime

from django.utils import timezone

from outcomes.demo import odi_answers
from outcomes.instruments import shipped
from outcomes.models import MeasurePoint, Response, When
from outcomes.services import record_response


def odi(total):
    """Ten ODI sections adding up to `total` (of 50)."""
    return odi_answers(total)


def take(course, by, answers, *, instrument="odi", when=When.BASELINE, days_ago=None, **kw):
    """A paper questionnaire of `course`, taken `days_ago` (default: on the course's start),
    at a point of its plan (added to the plan if it is not there yet)."""
    MeasurePoint.objects.get_or_create(
        template_id=course.template_id,
        instrument=instrument,
        when=when,
        session_number=kw.get("session_number"),
        days_after=kw.get("days_after"),
    )
    taken_on = (
        course.start_date
        if days_ago is None
        else timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return record_response(
        course=course,
        instrument=instrument,
        when=when,
        answers=answers,
        how=Response.How.PAPER,
        by=by,
        taken_on=taken_on,
        **kw,
    )


def recorded(course, by, answers, *, instrument="odi", when=When.BASELINE, days_ago=None, **kw):
    """A questionnaire stored as given and scored by its instrument, for the tests of what is
    shown (history, exports, the report): it skips the service's rules of when a questionnaire
    may be taken on purpose, and must not be used to test them."""
    taken_on = (
        course.start_date
        if days_ago is None
        else timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    score = shipped()[instrument].score(answers)
    return Response.objects.create(
        client=course.client,
        course=course,
        instrument=instrument,
        when=when,
        answers={key: value for key, value in answers.items() if value is not None},
        score=score.value,
        band=score.band,
        subscore=score.subscore,
        taken_on=taken_on,
        how=kw.pop("how", Response.How.PAPER),
        recorded_by=by,
        **kw,
    )
