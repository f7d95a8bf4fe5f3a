"""A client's whole history, read once for the client's page, the print view and the exports.

`ClientHistory.load` runs a fixed number of queries whatever the length of the history; the
timeline, the pain chart and the body map are then computed from what it read.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, prefetch_related_objects
from django.utils import timezone

from clinic.lib.charts import pain_chart
from sessions_app.models import Addendum, Session, SessionStep

CLINICAL_SESSION_FIELDS = (
    "pain_before",
    "pain_after",
    "tolerance",
    "notes",
    "void_reason",
    "introductory_seconds",
    "main_seconds",
    "final_seconds",
)
KINDS = [
    ("referral", "Referral notes"),
    ("screening", "Screenings"),
    ("course", "Courses"),
    ("session", "Sessions"),
    ("addendum", "Addenda"),
    ("void", "Voids"),
]

KIND_ORDER = {kind: rank for rank, (kind, _) in enumerate(KINDS)}


@dataclass
class Entry:
    kind: str
    at: datetime.datetime
    record: object


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def attach_courses(sessions, courses):
    """Give each session its course from those already read, instead of a copy per session."""
    by_id = {course.pk: course for course in courses}
    course_field = Session._meta.get_field("course")
    for session in sessions:
        course_field.set_cached_value(session, by_id[session.course_id])


class ClientHistory:
    def __init__(
        self, client, *, referral_notes, screenings, courses, sessions, addenda, sees_sessions
    ):
        self.client = client
        self.sees_sessions = sees_sessions
        self.referral_notes = referral_notes
        self.screenings = screenings
        self.courses = courses
        self.sessions = sessions
        self.addenda = addenda

    @classmethod
    def load(cls, client, user):
        """What `user` may see of the client's history: a kind the role may not read is empty,
        and a role that may see only that sessions took place gets them without their
        clinical fields."""
        sees_sessions = user.has_perm("sessions_app.view_session")
        sees_courses = user.has_perm("sessions_app.view_course")
        sessions = []
        if sees_courses:
            # Each therapist is read once, not once per session: a long history would
            # otherwise build hundreds of copies of the same few users.
            sessions = (
                Session.objects.filter(course__client=client)
                .select_related("voided_by")
                .prefetch_related("therapist")
            )
            if not sees_sessions:
                # Reception sees that a session took place, not how it went: the clinical
                # fields are not even read.
                sessions = sessions.defer(*CLINICAL_SESSION_FIELDS)
            sessions = list(sessions.order_by("performed_at", "pk"))
        courses = list(client.courses.select_related("therapist")) if sees_courses else []
        attach_courses(sessions, courses)
        return cls(
            client,
            referral_notes=(
                list(client.referral_notes.all())
                if user.has_perm("clinic.view_referralnote")
                else []
            ),
            screenings=(
                list(client.screenings.with_answers())
                if user.has_perm("screening.view_screening")
                else []
            ),
            courses=courses,
            sessions=sessions,
            sees_sessions=sees_sessions,
            addenda=(
                list(
                    Addendum.objects.filter(session__course__client=client).select_related(
                        "author", "session__course"
                    )
                )
                if sees_sessions
                else []
            ),
        )

    def entries(self, kind=None):
        """Every event of the history, newest first; only those of `kind` when given."""
        entries = [
            *(Entry("referral", start_of(n.consult_date), n) for n in self.referral_notes),
            *(Entry("screening", start_of(s.screened_on), s) for s in self.screenings),
            *(Entry("course", start_of(c.start_date), c) for c in self.courses),
            *(Entry("session", s.performed_at, s) for s in self.sessions),
            *(Entry("addendum", a.created_at, a) for a in self.addenda),
            *(
                Entry("void", s.voided_at, s)
                for s in self.sessions
                if s.is_voided and self.sees_sessions
            ),
        ]
        if kind:
            entries = [entry for entry in entries if entry.kind == kind]
        # Newest first; on the same moment, the later kind of record and the later row first.
        return sorted(
            entries,
            key=lambda entry: (entry.at, KIND_ORDER[entry.kind], entry.record.pk),
            reverse=True,
        )

    def pain_chart(self):
        return pain_chart(self.counted_sessions()) if self.sees_sessions else None

    def counted_sessions(self):
        """The sessions that count (not voided), oldest first."""
        return [session for session in self.sessions if not session.is_voided]

    def zone_counts(self, course):
        """How many steps of the course's counted sessions worked each zone, by zone id: one
        counting query, whatever the length of the course."""
        if not self.sees_sessions:
            return Counter()
        rows = (
            SessionStep.objects.filter(session__course=course, session__voided_at__isnull=True)
            .values("zone")
            .annotate(steps=Count("id"))
        )
        return Counter({row["zone"]: row["steps"] for row in rows})

    def read_steps(self, sessions):
        """Fetch the steps of these sessions (those on the page shown), in one query."""
        if self.sees_sessions:
            prefetch_related_objects(
                list(sessions),
                # The few techniques and zones are read once and shared by every step.
                "steps__technique",
                "steps__zone",
            )
