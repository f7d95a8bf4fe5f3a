import datetime

from django.utils import timezone

from clinic.tests.factories import ClientFactory, ReferralNoteFactory, UserFactory
from consent.tests.factories import consent
from screening.tests.factories import screen
from sessions_app.models import STEP_FIELDS, PlanTemplate, Session, SessionStep
from sessions_app.services import log_session, plan_course


def treatable_client(days=40, *, consented=True, **client_fields):
    """A client cleared 60 days ago, consenting to treatment since, and screened clear often
    enough to be treated on each of the last `days` days and today. With consented=False the
    consent alone is missing."""
    client = ClientFactory(**client_fields)
    today = timezone.localdate()
    ReferralNoteFactory(
        client=client,
        consult_date=today - datetime.timedelta(days=60),
        valid_until=today + datetime.timedelta(days=30),
    )
    if consented:
        consent(client, days_ago=60)
    for days_ago in range(days, -1, -13):
        screen(client, days_ago=days_ago)
    return client


def standard_template(massage_type="classic"):
    return PlanTemplate.objects.get(massage_type=massage_type)


def course_for(client, *, by=None, template=None, start_days_ago=30, planned=10, **fields):
    """A course from the standard scheme, resting on the latest referral consulted by its
    start (or starting on the day of the client's only consult, if that came later)."""
    start = timezone.localdate() - datetime.timedelta(days=start_days_ago)
    referral = client.referral_notes.filter(consult_date__lte=start).latest_first().first()
    if referral is None:
        referral = client.referral_notes.latest_first().first()
        start = referral.consult_date
    return plan_course(
        client=client,
        template=template or standard_template(),
        by=by or UserFactory(),
        therapist=by or UserFactory(),
        referral=referral,
        goal="Less pain when sitting at work.",
        planned_sessions=planned,
        start_date=start,
        **fields,
    )


def plan_steps(course):
    """The course's plan as the steps of a session (what the form is prefilled with)."""
    return [step.fields() for step in course.steps.select_related("technique", "zone")]


def log(course, *, days_ago=1, performed_at=None, by=None, steps=None, **fields):
    performed_at = performed_at or timezone.now() - datetime.timedelta(days=days_ago)
    values = {"pain_before": 6, "pain_after": 4, "tolerance": "well", **fields}
    return log_session(
        course=course,
        by=by or course.therapist,
        performed_at=performed_at,
        steps=plan_steps(course) if steps is None else steps,
        **values,
    )


def bulk_sessions(course, count, *, start_days_ago=None):
    """`count` signed sessions of the course's plan, inserted in bulk for size tests: they skip
    the services' rules on purpose and must not be used to test them."""
    start = timezone.now() - datetime.timedelta(days=start_days_ago or count)
    plan = list(course.steps.all())
    sessions = Session.objects.bulk_create(
        Session(
            course=course,
            number=number,
            performed_at=start + datetime.timedelta(hours=number),
            therapist=course.therapist,
            created_by=course.therapist,
            pain_before=6,
            pain_after=3,
            tolerance="well",
            signed_at=timezone.now(),
            signed_by=course.therapist,
        )
        for number in range(1, count + 1)
    )
    SessionStep.objects.bulk_create(
        SessionStep(session=session, **{n: getattr(step, n) for n in (*STEP_FIELDS, "position")})
        for session in sessions
        for step in plan
    )
    return sessions
