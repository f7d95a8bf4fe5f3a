"""Which questionnaires a course has due, and when: from its plan template's measure points,
its sessions, and the responses taken or skips kept."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from outcomes.models import MeasurePoint, Response, SkippedMeasure, When
from sessions_app.models import Session


@dataclass
class Due:
    point: MeasurePoint
    # The day it falls due, once it can be known (after session 3: the day of the third
    # session); None while it waits for sessions yet to come.
    due_on: datetime.date | None
    response: Response | None  # the one that counts, if taken
    skipped: SkippedMeasure | None = None
    # The last day it can be taken: a baseline's is the first session's; None: no end.
    closes_on: datetime.date | None = None

    @property
    def taken(self):
        return self.response is not None

    @property
    def settled(self):
        """Taken, or skipped with a reason."""
        return self.taken or self.skipped is not None

    def is_due(self, today):
        """Not settled, its day has come, and it can still be taken."""
        return (
            not self.settled
            and self.due_on is not None
            and self.due_on <= today
            and not self.is_missed(today)
        )

    def is_missed(self, today):
        """Not settled, and too late to take (a baseline after the first session)."""
        return not self.settled and self.closes_on is not None and self.closes_on < today


def course_schedule(course):
    """Every measure point of the course's template, with its day and its response."""
    return schedules([course])[course.pk]


def schedules(courses):
    """course id -> its schedule (a list of Due), for any number of courses in four queries."""
    courses = list(courses)
    by_template = defaultdict(list)
    for point in MeasurePoint.objects.filter(
        template_id__in={course.template_id for course in courses}
    ):
        by_template[point.template_id].append(point)
    with_points = [course.pk for course in courses if by_template[course.template_id]]
    days, responses, skips = defaultdict(list), {}, {}
    if with_points:
        for course_id, at in (
            Session.objects.counted()
            .filter(course_id__in=with_points)
            .order_by("performed_at")
            .values_list("course_id", "performed_at")
        ):
            days[course_id].append(timezone.localtime(at).date())
        for response in (
            Response.objects.current().filter(course_id__in=with_points).order_by("recorded_at")
        ):
            responses[response.course_id, response.point] = response
        for skip in SkippedMeasure.objects.filter(course_id__in=with_points):
            skips[skip.course_id, skip.point] = skip
    return {
        course.pk: [
            Due(
                point=point,
                due_on=due_on(point, course, days[course.pk]),
                response=responses.get((course.pk, key(point))),
                skipped=skips.get((course.pk, key(point))),
                closes_on=days[course.pk][0]
                if point.when == When.BASELINE and days[course.pk]
                else None,
            )
            for point in by_template[course.template_id]
        ]
        for course in courses
    }


def key(point):
    return (point.instrument, point.when, point.session_number, point.days_after)


def counted_days(course):
    """The days of the course's counted sessions, in order."""
    return [
        timezone.localtime(at).date()
        for at in Session.objects.counted()
        .filter(course=course)
        .order_by("performed_at")
        .values_list("performed_at", flat=True)
    ]


def taking_window(point, course, days, today):
    """The first and last day a questionnaire of `point` may be dated, or None while it is
    not due: a baseline from the course's start to its first session (today, before any),
    the others from the day they fall due to today."""
    if point.when == When.BASELINE:
        return course.start_date, min([today, *days[:1]])
    first = due_on(point, course, days)
    return None if first is None or first > today else (first, today)


def due_on(point, course, days):
    """Baseline: the course's start (before its first session); after session N: the day of
    the Nth session; discharge: the day of the last session, once the course is done;
    follow-up: that many days after it."""
    if point.when == When.BASELINE:
        return min([course.start_date, *days[:1]])
    if point.when == When.AFTER_SESSION:
        return days[point.session_number - 1] if len(days) >= point.session_number else None
    finished = len(days) >= course.planned_sessions or course.is_closed
    if not finished or not days:
        return None
    if point.when == When.DISCHARGE:
        return days[-1]
    return days[-1] + datetime.timedelta(days=point.days_after)
