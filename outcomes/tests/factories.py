"""Questionnaires for tests: answers adding up to a known score, recorded by the service."""

import datetime

from django.utils import timezone

from outcomes.models import Response, When
from outcomes.services import record_response

SECTIONS = [
    "pain_intensity",
    "personal_care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex_life",
    "social_life",
    "travelling",
]


def odi(total):
    """Ten ODI sections adding up to `total` (of 50)."""
    return {s: total // 10 + (1 if i < total % 10 else 0) for i, s in enumerate(SECTIONS)}


def take(course, by, answers, *, instrument="odi", when=When.BASELINE, days_ago=None, **kw):
    """A paper questionnaire of `course`, taken `days_ago` (default: on the course's start)."""
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
