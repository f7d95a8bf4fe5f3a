"""What each role finds on the start page: the day's work, what needs attention, the clinic's
week. Every list is bounded and read in a fixed number of queries."""

import datetime
import itertools
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.formats import date_format

from appointments.models import Appointment
from clinic.lib.days import day_bounds, start_of
from clinic.models import Client
from outcomes.instruments import shipped
from outcomes.models import MeasurePoint, Response, SkippedMeasure, When
from outcomes.schedule import schedules
from screening.services import Code, eligibility_for
from sessions_app.models import Course, PlannedSession, Session

# The eligibility codes that call for someone to act before the next session.
ATTENTION = {
    Code.CLEARANCE_ENDING,
    Code.CLEARANCE_EXPIRED,
    Code.NO_REFERRAL,
    Code.REFERRAL_NOT_CLEARED,
    Code.SCREENING_DUE,
    Code.SCREENING_EXPIRED,
    Code.NO_SCREENING,
    Code.NO_CONSENT,
    Code.CONSENT_REFUSED,
    Code.CONSENT_WITHDRAWN,
    Code.CONSENT_RENEWAL,
}
WEEKS_SHOWN = 8
# The start page stays quick in a large clinic: it shows the most recent of long lists.
COURSES_SHOWN = 20
VISITS_SHOWN = 100
OPEN = [Course.Status.PLANNED, Course.Status.ACTIVE]


def open_courses(therapist=None, limit=COURSES_SHOWN):
    """The most recently started planned and active courses (of one therapist, or of the whole
    clinic) with their progress, and how many there are in all."""
    courses = Course.objects.filter(status__in=OPEN)
    if therapist is not None:
        courses = courses.filter(therapist=therapist)
    recent = courses.order_by("-start_date", "-pk").values_list("pk", flat=True)[:limit]
    # Progress is counted for the courses shown only, once they are chosen.
    shown = list(
        Course.objects.filter(pk__in=list(recent))
        .select_related("client", "therapist")
        .annotate(done=sessions_done(OuterRef("pk")))
        .order_by("-start_date", "-pk")
    )
    return shown, courses.count()


def sessions_done(course):
    """The counted sessions of a course, as a subquery on the rows shown (a join and GROUP BY
    would count the sessions of every open course first)."""
    done = (
        Session.objects.counted()
        .filter(course=course)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(done), 0)


def work_plan(today, therapist=None):
    """The planned sessions of the week (today to Sunday), each marked done or not."""
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    planned = PlannedSession.objects.filter(
        course__status__in=OPEN, planned_on__range=(today, week_end)
    )
    if therapist is not None:
        planned = planned.filter(course__therapist=therapist)
    visits = list(
        planned.select_related("course__client")
        .annotate(done_in_course=sessions_done(OuterRef("course")))
        .order_by("planned_on", "course_id", "number")[:VISITS_SHOWN]
    )
    for visit in visits:
        visit.done = visit.number <= visit.done_in_course
    return {
        "today": [v for v in visits if v.planned_on == today],
        "week": [v for v in visits if v.planned_on != today],
        "week_end": week_end,
    }


def appointments_on(day, therapist=None):
    """The day's appointments (a therapist's own, or the whole clinic's) in time order, in one
    query."""
    start, end = day_bounds(day)
    appointments = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if therapist is not None:
        appointments = appointments.filter(therapist=therapist)
    appointments = list(
        appointments.select_related(
            "client", "course", "room", "therapist", "session__course"
        ).order_by("starts_at", "pk")[:VISITS_SHOWN]
    )
    return appointments


def eligibility_of(courses, appointments, today):
    """Today's eligibility of the clients of these courses and appointments, read at once."""
    clients = {course.client_id: course.client for course in courses}
    clients.update((appointment.client_id, appointment.client) for appointment in appointments)
    return eligibility_for(clients.values(), today)


def needing_attention(courses, verdicts):
    """Clients of these courses (those on the page) whose clearance, screening or consent
    needs action before their next session, with the reasons (`verdicts`: their eligibility,
    by client)."""
    clients = list({course.client_id: course.client for course in courses}.values())
    attention = []
    for client in clients:
        verdict = verdicts[client.pk]
        notes = [r for r in [*verdict.reasons, *verdict.warnings] if r.code in ATTENTION]
        if notes:
            attention.append({"client": client, "notes": notes})
    return attention


def questionnaires_due(courses, today, therapist=None, limit=COURSES_SHOWN):
    """The questionnaires due now on the courses shown, and on the courses completed within a
    year that still wait for a discharge or follow-up questionnaire (the `limit` whose last
    session is the most recent), in six queries: one item per course and point, with the
    names of the questionnaires due there."""
    ended = Course.objects.filter(status=Course.Status.COMPLETED).annotate(
        last_session=Max("sessions__performed_at", filter=Q(sessions__voided_at__isnull=True))
    )
    ended = ended.filter(
        Exists(unsettled_after_the_last_session()),
        last_session__gte=start_of(today - datetime.timedelta(days=365)),
    )
    if therapist is not None:
        ended = ended.filter(therapist=therapist)
    courses = [*courses, *ended.select_related("client").order_by("-last_session")[:limit]]
    by_id = {course.pk: course for course in courses}
    language = translation.get_language()
    # One line for the questionnaires a course has due at the same point (at baseline: the
    # ODI, the pain scale...), not one per questionnaire.
    due_together = defaultdict(list)
    for course_id, schedule in schedules(courses).items():
        for due in schedule:
            if due.is_due(today):
                point = due.point
                moment = (course_id, point.when, point.session_number, point.days_after)
                due_together[moment].append(due)
    return [
        {
            "course": by_id[course_id],
            "point": dues[0].point,
            "names": [shipped()[due.point.instrument].name(language) for due in dues],
        }
        for (course_id, *_), dues in due_together.items()
    ]


def unsettled_after_the_last_session():
    """The discharge and follow-up points of a course's plan (OuterRef: the course) with no
    response and no skip yet."""

    def at_the_point(records):
        return records.filter(
            Q(when=When.DISCHARGE) | Q(days_after=OuterRef("days_after")),
            course=OuterRef(OuterRef("pk")),
            instrument=OuterRef("instrument"),
            when=OuterRef("when"),
        )

    return MeasurePoint.objects.filter(
        template=OuterRef("template"), when__in=[When.DISCHARGE, When.FOLLOW_UP]
    ).exclude(
        Exists(at_the_point(Response.objects.current()))
        | Exists(at_the_point(SkippedMeasure.objects.all()))
    )


def sessions_logged_on(day, therapist=None):
    start, end = day_bounds(day)
    sessions = Session.objects.counted().filter(performed_at__gte=start, performed_at__lt=end)
    if therapist is not None:
        sessions = sessions.filter(therapist=therapist)
    return list(sessions.select_related("course__client").order_by("performed_at"))


def clients_without_referral(limit=10):
    """Active clients with no specialist's note yet: reception asks them to bring one."""
    return list(
        Client.objects.active().filter(referral_notes__isnull=True).order_by("-created_at")[:limit]
    )


def weekly_sessions(today, weeks=WEEKS_SHOWN):
    """Counted sessions per therapist per week over the last `weeks` weeks, drawn as bars."""
    first_monday = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    mondays = [first_monday + datetime.timedelta(weeks=i) for i in range(weeks)]
    # Each week counted between its Mondays' local midnights, in one pass over the index on
    # performed_at: truncating every session's time to its week would run a function per row.
    bounds = [start_of(monday) for monday in mondays]
    bounds.append(start_of(mondays[-1] + datetime.timedelta(weeks=1)))
    counts = (
        Session.objects.counted()
        .filter(performed_at__gte=bounds[0], performed_at__lt=bounds[-1])
        .order_by()
        .values("therapist")
        .annotate(
            **{
                f"week{i}": Count("pk", filter=Q(performed_at__gte=start, performed_at__lt=end))
                for i, (start, end) in enumerate(itertools.pairwise(bounds))
            }
        )
    )
    per_therapist = {
        row["therapist"]: {monday: row[f"week{i}"] for i, monday in enumerate(mondays)}
        for row in counts
    }
    names = {
        user.pk: str(user) for user in get_user_model().objects.filter(pk__in=list(per_therapist))
    }
    most = max((n for weeks_ in per_therapist.values() for n in weeks_.values()), default=0)
    # The Monday of each week, written as a table writes a day (clinic.formats).
    labels = {monday: date_format(monday, "SHORT_DATE_FORMAT") for monday in mondays}
    rows = []
    for therapist, by_week in sorted(per_therapist.items(), key=lambda item: names[item[0]]):
        bars = [
            {
                "week": labels[monday],
                "sessions": by_week[monday],
                "x": 10 + index * 30,
                "height": round(60 * by_week[monday] / most) if most else 0,
            }
            for index, monday in enumerate(mondays)
        ]
        for bar in bars:
            bar["y"] = 70 - bar["height"]
        rows.append({"therapist": names[therapist], "bars": bars, "total": sum(by_week.values())})
    return {
        "weeks": [labels[m] for m in mondays],
        "rows": rows,
        "width": 10 + 30 * weeks,
    }
