"""Sessions with their steps as CSV rows: one row per step, the session's fields on every row.
Used by the client's sessions CSV and the clinic-wide export alike."""

from django.utils import timezone

HEADER = [
    "record_number",
    "client",
    "course",
    "massage_type",
    "session",
    "performed_at",
    "therapist",
    "status",
    "introductory_seconds",
    "main_seconds",
    "final_seconds",
    "pain_before",
    "pain_after",
    "tolerance",
    "notes",
    "step",
    "stage",
    "technique",
    "zone",
    "repetitions",
    "intensity",
]


def rows(sessions):
    """The rows of `sessions` (read with Session.objects.with_steps()), header excluded."""
    for session in sessions:
        client = session.course.client
        common = [
            client.record_number,
            client.full_name,
            session.course_id,
            session.course.massage_type,
            session.number,
            timezone.localtime(session.performed_at).isoformat(timespec="minutes"),
            str(session.therapist),
            session.state,
            session.introductory_seconds,
            session.main_seconds,
            session.final_seconds,
            session.pain_before,
            session.pain_after,
            session.tolerance,
            session.notes,
        ]
        for number, step in enumerate(session.steps.all(), start=1):
            yield [
                *common,
                number,
                step.get_stage_display(),
                step.technique.name,
                step.zone.name,
                step.repetitions,
                step.get_intensity_display(),
            ]
