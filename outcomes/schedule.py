"""Which questionnaires a course has due, and when: from its plan template's measure points,
its sessions and the responses already taken."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from outcomes.models import MeasurePoint, Response, When


@dataclass
class Due:
    point: MeasurePoint
    # The day it falls due, once it can be known (after session 3: the day of the third
    # session); None while it waits for sessions yet to come.
    due_on: datetime.date | None
    response: Response | None  # the one taken for it, if any

    @property
    def taken(self):
        return self.response is not None

    def is_due(self, today):
        """Not taken, and its day has come."""
        return not self.taken and self.due_on is not None and self.due_on <= today


def course_schedule(course):
    """Every measure point of the course's template, with its day and its response, in three
    queries whatever the course's length."""
    points = list(MeasurePoint.objects.filter(template_id=course.template_id))
    if not points:
        return []
    days = [
        timezone.localtime(at).date()
        for at in course.sessions.counted()
        .order_by("performed_at")
        .values_list("performed_at", flat=True)
    ]
    responses = {
        (r.instrument, r.when, r.session_number, r.days_after): r
        for r in Response.objects.filter(course=course).order_by("recorded_at")
    }
    finished = len(days) >= course.planned_sessions or course.is_closed
    return [
        Due(
            point=point,
            due_on=due_on(point, course, days, finished),
            response=responses.get(
                (point.instrument, point.when, point.session_number, point.days_after)
            ),
        )
        for point in points
    ]


def due_on(point, course, days, finished):
    """Baseline: the course's start (before its first session); after session N: the day of
    the Nth session; discharge: the day of the last session, once the course is done;
    follow-up: that many days after it."""
    if point.when == When.BASELINE:
        return min([course.start_date, *days[:1]])
    if point.when == When.AFTER_SESSION:
        return days[point.session_number - 1] if len(days) >= point.session_number else None
    if not finished or not days:
        return None
    if point.when == When.DISCHARGE:
        return days[-1]
    return days[-1] + datetime.timedelta(days=point.days_after)
