"""Sessions with their steps as CSV: one row per step, the session's fields on every row."""

import csv
import itertools

from django.http import StreamingHttpResponse
from django.utils import timezone

from clinic.templatetags.clinic_tags import person

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
# A cell starting with one of these is a formula to a spreadsheet; it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def status_of(session):
    if session.is_voided:
        return "voided"
    return "signed" if session.is_signed else "draft"


def rows(sessions):
    yield HEADER
    for session in sessions:
        client = session.course.client
        common = [
            client.record_number,
            client.full_name,
            session.course_id,
            session.course.massage_type,
            session.number,
            timezone.localtime(session.performed_at).isoformat(timespec="minutes"),
            person(session.therapist),
            status_of(session),
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


class Echo:
    """A file-like object whose write hands the line back, for streaming."""

    def write(self, value):
        return value


def csv_response(sessions, filename):
    writer = csv.writer(Echo())
    lines = (writer.writerow([cell(value) for value in row]) for row in rows(sessions))
    response = StreamingHttpResponse(
        # The byte-order mark lets spreadsheet programs read Cyrillic names as UTF-8.
        itertools.chain(["\ufeff"], lines),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
