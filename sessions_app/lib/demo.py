"""Demo courses for seed_demo: every massage type, built through the services like real ones."""

import datetime

from django.utils import timezone

from sessions_app.models import PlanTemplate
from sessions_app.services import (
    add_addendum,
    log_session,
    plan_course,
    schedule_sessions,
    sign_session,
    void_session,
)

# last name -> (massage type, [(days ago, pain before, pain after)], what happens to session N)
DEMO_COURSES = {
    "Petrova": (
        "classic",
        [(12, 7, 5), (10, 6, 4), (8, 5, 3), (6, 4, 3), (4, 3, 2), (2, 3, 1)],
        {"addendum": 3},
    ),
    "Sokolov": ("vacuum", [(9, 6, 5), (6, 5, 4), (3, 5, 3), (1, 4, 3)], {"draft": 4}),
    "Popova": ("spot", [(11, 5, 4), (9, 4, 3), (7, 4, 2), (5, 3, 2)], {"void": 4}),
}
GOALS = {
    "classic": "Relieve lower-back pain and stiffness; sit through a working day.",
    "vacuum": "Improve blood flow in the sacral and lumbar region; ease the leg pain.",
    "spot": "Consolidate the effect of the classic course.",
}


def add_demo_course(client, course, *, therapist, referral):
    massage_type, sessions, events = course
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=sessions[0][0])
    course = plan_course(
        client=client,
        template=PlanTemplate.objects.get(massage_type=massage_type),
        by=therapist,
        therapist=therapist,
        referral=referral,
        goal=GOALS[massage_type],
        planned_sessions=10,
        start_date=first_day,
        frequency_days=2,
    )
    schedule_sessions(course=course)
    steps = [
        {
            name: getattr(step, name)
            for name in ("stage", "technique", "zone", "repetitions", "intensity")
        }
        for step in course.steps.select_related("technique", "zone")
    ]
    for number, (days_ago, before, after) in enumerate(sessions, start=1):
        day = today - datetime.timedelta(days=days_ago)
        session = log_session(
            course=course,
            by=therapist,
            performed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
            steps=steps,
            pain_before=before,
            pain_after=after,
            tolerance="well" if after < before else "discomfort",
        )
        if events.get("draft") == number:
            continue
        if events.get("void") == number:
            void_session(session=session, by=therapist, reason="Logged twice by mistake.")
            continue
        session = sign_session(session=session, by=therapist)
        if events.get("addendum") == number:
            add_addendum(
                session=session,
                by=therapist,
                text="The client rang the next day: the pain eased further in the evening.",
            )
    return course
