"""Demo courses for seed_demo: every massage type, built through the services like real ones,
and generated histories for benchmarks and load tests."""

import datetime

from django.conf import settings
from django.utils import timezone

from clinic.models import ReferralNote
from consent.demo import bulk_consents
from outcomes.demo import MIDWAY, take_demo
from outcomes.models import When
from screening.models import Answer, Contraindication, Screening
from sessions_app.models import Course, PlanTemplate, Session, SessionStep
from sessions_app.services import (
    add_addendum,
    log_session,
    plan_course,
    sign_session,
    void_session,
)


def in_clinic_language(english, russian):
    """The demo's words in the clinic's language (CLINIC_LANGUAGE), as its staff would write
    them: records keep the language they were written in."""
    return russian if settings.LANGUAGE_CODE == "ru" else english


# demo client -> (massage type, [(days ago, pain before, pain after)], what happens to session N)
DEMO_COURSES = {
    "petrova": (
        "classic",
        [(12, 7, 5), (10, 6, 4), (8, 5, 3), (6, 4, 3), (4, 3, 2), (2, 3, 1)],
        # The questionnaires: the ODI's sum of 50 and the pain at the baseline and midway.
        {"addendum": 3, "baseline": (22, 7), "midway": (13, 3)},
    ),
    "sokolov": (
        "vacuum",
        [(9, 6, 5), (6, 5, 4), (3, 5, 3), (1, 4, 3)],
        {"draft": 4, "baseline": (17, 6)},
    ),
    "popova": (
        "spot",
        [(11, 5, 4), (9, 4, 3), (7, 4, 2), (5, 3, 2)],
        {"void": 4, "baseline": (12, 5)},
    ),
}
# What the client of a classic course named and rated at the baseline (PSFS, 0–10).
DEMO_ACTIVITIES = {
    ("Sitting through a working day", "Высидеть рабочий день"): 3,
    ("Putting on socks", "Надеть носки"): 5,
    ("Carrying the shopping", "Донести сумки из магазина"): 4,
}
# (English, Russian)
GOALS = {
    "classic": (
        "Relieve lower-back pain and stiffness; sit through a working day.",
        "Снять боль и скованность в пояснице; высиживать рабочий день.",
    ),
    "vacuum": (
        "Improve blood flow in the sacral and lumbar region; ease the leg pain.",
        "Улучшить кровоток в пояснично-крестцовой области; уменьшить боль в ноге.",
    ),
    "spot": (
        "Consolidate the effect of the classic course.",
        "Закрепить результат классического курса.",
    ),
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
        goal=in_clinic_language(*GOALS[massage_type]),
        planned_sessions=10,
        start_date=first_day,
        frequency_days=2,
    )
    steps = [step.fields() for step in course.steps.select_related("technique", "zone")]
    odi, pain = events["baseline"]
    activities = {in_clinic_language(*names): rating for names, rating in DEMO_ACTIVITIES.items()}
    take_demo(
        course,
        when=When.BASELINE,
        on=first_day,
        odi=odi,
        pain=pain,
        by=therapist,
        activities=activities if massage_type == "classic" else None,
    )
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
        if number == MIDWAY and "midway" in events:
            odi, pain = events["midway"]
            take_demo(
                course,
                when=When.AFTER_SESSION,
                number=MIDWAY,
                on=day,
                odi=odi,
                pain=pain,
                by=therapist,
            )
        if events.get("draft") == number:
            continue
        if events.get("void") == number:
            reason = in_clinic_language("Logged twice by mistake.", "Внесён дважды по ошибке.")
            void_session(session=session, by=therapist, reason=reason)
            continue
        session = sign_session(session=session, by=therapist)
        if events.get("addendum") == number:
            add_addendum(
                session=session,
                by=therapist,
                text=in_clinic_language(
                    "The client rang the next day: the pain eased further in the evening.",
                    "Клиентка позвонила на следующий день: к вечеру боль ещё уменьшилась.",
                ),
            )
    return course


SESSIONS_PER_COURSE = 10
LONG_HISTORY = 300  # sessions of the one client whose page the benchmark opens


def generate_history(clients, count, *, therapist, progress):
    """Bulk-insert `count` signed sessions with their steps for benchmarks and load tests.

    The first client gets a long history (300 sessions over several courses), the others
    ten sessions each until `count` is reached; each such client gets a clearing referral
    note, a consent and a clear screening too. These rows are inserted in bulk, past the
    services and their rules, and carry no change history: they measure size, nothing else.
    """
    plan = []  # (client, sessions in one course)
    remaining = count
    long_client, *others = clients
    for _ in range(min(LONG_HISTORY, remaining) // 60 + 1):
        take = min(60, LONG_HISTORY - sum(n for c, n in plan), remaining)
        if take > 0:
            plan.append((long_client, take))
            remaining -= take
    for client in others:
        if remaining <= 0:
            break
        take = min(SESSIONS_PER_COURSE, remaining)
        plan.append((client, take))
        remaining -= take
    today = timezone.localdate()
    template = PlanTemplate.objects.get(massage_type="classic")
    steps = list(template.steps.all())
    referrals = ReferralNote.objects.bulk_create(
        ReferralNote(
            client=client,
            specialist_name=in_clinic_language("Dr I. V. Petrov", "Петров И. В."),
            consult_date=today - datetime.timedelta(days=400),
            diagnosis=in_clinic_language(
                "Lumbar osteochondrosis", "Остеохондроз поясничного отдела позвоночника"
            ),
            stage=ReferralNote.Stage.CHRONIC,
            decision=ReferralNote.Decision.CLEARED,
            valid_until=today + datetime.timedelta(days=60),
            recorded_by=therapist,
        )
        for client in {client.pk: client for client, _ in plan}.values()
    )
    referral_of = {note.client_id: note for note in referrals}
    # A consent each, signed the day of the referral.
    bulk_consents(
        [note.client for note in referrals],
        by=therapist,
        signed_on=today - datetime.timedelta(days=400),
        language=settings.LANGUAGE_CODE,
    )
    # A clear screening each, so that the pages read the same kinds of records at any size.
    screenings = Screening.objects.bulk_create(
        Screening(client=note.client, screened_by=therapist, screened_on=today)
        for note in referrals
    )
    items = list(Contraindication.objects.active())
    Answer.objects.bulk_create(
        Answer(screening=screening, contraindication=item, value=Answer.Value.ABSENT)
        for screening in screenings
        for item in items
    )
    courses = Course.objects.bulk_create(
        Course(
            client=client,
            therapist=therapist,
            massage_type=template.massage_type,
            referral=referral_of[client.pk],
            template=template,
            goal=in_clinic_language("Generated for measurement.", "Создан для замеров."),
            planned_sessions=max(sessions, 1),
            start_date=today - datetime.timedelta(days=390),
            status=Course.Status.ACTIVE,
            created_by=therapist,
        )
        for client, sessions in plan
    )
    now = timezone.now()
    for course, (_, sessions) in zip(courses, plan, strict=True):
        batch = Session.objects.bulk_create(
            Session(
                course=course,
                number=number,
                performed_at=now - datetime.timedelta(days=380) + datetime.timedelta(hours=number),
                therapist=therapist,
                created_by=therapist,
                pain_before=max(8 - number // 8, 1),
                pain_after=max(6 - number // 8, 0),
                tolerance="well",
                signed_at=now,
                signed_by=therapist,
            )
            for number in range(1, sessions + 1)
        )
        SessionStep.objects.bulk_create(
            SessionStep(
                session=session,
                stage=step.stage,
                position=step.position,
                technique_id=step.technique_id,
                zone_id=step.zone_id,
                repetitions=step.repetitions,
                intensity=step.intensity,
            )
            for session in batch
            for step in steps
        )
        progress.advance(len(batch))
    return count - remaining
