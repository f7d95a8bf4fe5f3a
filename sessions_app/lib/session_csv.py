"""Sessions with their steps as CSV rows: one row per step, the session's fields on every row.
Used by the client's sessions CSV and the clinic-wide export alike."""

from django.utils import timezone
from django.utils.translation import pgettext_lazy

# The column names, in the reader's language: lazy, so that a file is headed in the language
# of the request that writes it (`header()`, or str() of each name when the row is written).
HEADER = [
    pgettext_lazy("sessions CSV column", "record_number"),
    pgettext_lazy("sessions CSV column", "client"),
    pgettext_lazy("sessions CSV column", "course"),
    pgettext_lazy("sessions CSV column", "massage_type"),
    pgettext_lazy("sessions CSV column", "session"),
    pgettext_lazy("sessions CSV column", "performed_at"),
    pgettext_lazy("sessions CSV column", "therapist"),
    pgettext_lazy("sessions CSV column", "status"),
    pgettext_lazy("sessions CSV column", "introductory_seconds"),
    pgettext_lazy("sessions CSV column", "main_seconds"),
    pgettext_lazy("sessions CSV column", "final_seconds"),
    pgettext_lazy("sessions CSV column", "pain_before"),
    pgettext_lazy("sessions CSV column", "pain_after"),
    pgettext_lazy("sessions CSV column", "tolerance"),
    pgettext_lazy("sessions CSV column", "notes"),
    pgettext_lazy("sessions CSV column", "step"),
    pgettext_lazy("sessions CSV column", "stage"),
    pgettext_lazy("sessions CSV column", "technique"),
    pgettext_lazy("sessions CSV column", "zone"),
    pgettext_lazy("sessions CSV column", "repetitions"),
    pgettext_lazy("sessions CSV column", "intensity"),
]


def header():
    """The column names translated now, into the active language."""
    return [str(name) for name in HEADER]


def rows(sessions):
    """The rows of `sessions` (read with Session.objects.with_steps()), header excluded."""
    for session in sessions:
        client = session.course.client
        common = [
            client.record_number,
            client.full_name,
            session.course_id,
            # Words in the reader's language, as the stage and intensity columns.
            session.course.get_massage_type_display(),
            session.number,
            timezone.localtime(session.performed_at).isoformat(timespec="minutes"),
            str(session.therapist),
            session.state.label,
            session.introductory_seconds,
            session.main_seconds,
            session.final_seconds,
            session.pain_before,
            session.pain_after,
            session.get_tolerance_display(),
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
