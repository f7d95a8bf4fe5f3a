"""Courses, sessions, their addenda and voids in the client's history
(see clinic.lib.record_kinds)."""

import datetime

from django.db.models import Subquery, prefetch_related_objects
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clinic.lib.fhir import LOCAL, LOINC, instant, ref
from clinic.lib.record_kinds import CsvExport, RecordKind, start_of
from sessions_app.lib import session_csv
from sessions_app.lib.plan_check import differences, planned_steps
from sessions_app.models import Addendum, Course, Session, Technique, Zone

# What reception, who may see that a session took place, does not even read.
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
CARE_PLAN_STATUS = {
    Course.Status.PLANNED: "active",
    Course.Status.ACTIVE: "active",
    Course.Status.COMPLETED: "completed",
    Course.Status.CANCELLED: "revoked",
}
ACTIVITY_STATUS = {
    Course.Status.PLANNED: "scheduled",
    Course.Status.ACTIVE: "in-progress",
    Course.Status.COMPLETED: "completed",
    Course.Status.CANCELLED: "cancelled",
}


class CourseKind(RecordKind):
    code = "course"
    label = _("Courses")
    permission = "sessions_app.view_course"
    template = "sessions_app/_timeline_course.html"
    access_log_views = {
        "course": _("Course"),
        "course_form": _("Course form"),
        "plan_form": _("Plan of a course"),
    }

    def load(self, client, history):
        return list(client.courses.select_related("therapist"))

    def moment(self, course):
        return start_of(course.start_date)

    def fhir_entries(self, course, patient, history):
        resource = {
            "resourceType": "CarePlan",
            "status": CARE_PLAN_STATUS[course.status],
            "intent": "plan",
            "title": str(course),
            "description": course.goal,
            "subject": {"reference": patient},
            "period": {"start": course.start_date.isoformat()},
            "author": {"display": str(course.therapist)},
            "supportingInfo": [{"reference": ref("ServiceRequest", course.referral_id)}],
            "activity": [
                {
                    "detail": {
                        "code": {
                            "text": gettext("%(massage_type)s massage")
                            % {"massage_type": course.get_massage_type_display()}
                        },
                        "status": ACTIVITY_STATUS[course.status],
                        "description": ngettext(
                            "%(count)s session planned.",
                            "%(count)s sessions planned.",
                            course.planned_sessions,
                        )
                        % {"count": course.planned_sessions},
                    }
                }
            ],
        }
        return [(ref("CarePlan", course.pk), resource)]


def compare_with_plans(sessions):
    """Each session's plan_differences: what it did differently from its plan (empty: as
    planned). The catalogue is read once for the plans kept with the sessions; the courses'
    own plans only for sessions logged before plans were kept."""
    catalogue = ({}, {})
    if any(session.planned_steps for session in sessions):
        catalogue = (
            {technique.pk: technique for technique in Technique.objects.all()},
            {zone.pk: zone for zone in Zone.objects.all()},
        )
    older = {s.course.pk: s.course for s in sessions if not s.planned_steps}
    prefetch_related_objects(list(older.values()), "steps__technique", "steps__zone")
    for session in sessions:
        session.plan_differences = differences(
            list(session.steps.all()), planned_steps(session, catalogue)
        )


def client_sessions_rows(client):
    sessions = Session.objects.with_steps().filter(course__client=client)
    return session_csv.rows(sessions.order_by("performed_at", "pk"))


class SessionKind(RecordKind):
    """Reception sees that a session took place (its course's permission), not how it went."""

    code = "session"
    label = _("Sessions")
    permission = "sessions_app.view_course"
    template = "sessions_app/_timeline_session.html"
    timed = True
    access_log_views = {
        "session": _("Session"),
        "session_form": _("Session form"),
        "session_action": _("Void or addendum form"),
        "session_sign": _("Signing confirmation"),
    }
    csv = CsvExport(
        name="sessions",
        label=_("Sessions (CSV)"),
        permission="sessions_app.view_session",
        # Lazy names, translated when the file is written (session_csv.HEADER).
        header=session_csv.HEADER,
        rows=client_sessions_rows,
        access_log=("csv", _("Sessions CSV")),
    )

    def load(self, client, history):
        # Each therapist (and who voided what) is read once, not once per session: a long
        # history would otherwise build hundreds of copies of the same few users.
        sessions = Session.objects.filter(course__client=client).prefetch_related(
            "therapist", "voided_by"
        )
        if history.user.has_perm("sessions_app.view_session"):
            # Which version of the catalogues the steps are named from, read with the sessions
            # (one value for all of them): the entries rendered once are keyed by it.
            sessions = sessions.annotate(
                techniques_version=newest_history(Technique),
                zones_version=newest_history(Zone),
            )
        else:
            sessions = sessions.defer(*CLINICAL_SESSION_FIELDS)
        sessions = list(sessions.order_by("performed_at", "pk"))
        # Each session gets its course from those already read, instead of a copy per session.
        courses = {course.pk: course for course in history.records("course")}
        course_field = Session._meta.get_field("course")
        for session in sessions:
            course_field.set_cached_value(session, courses[session.course_id])
        return sessions

    def moment(self, session):
        return session.performed_at

    def fragment_version(self, session, history):
        """A signed or voided session changes only by a new version (voiding saves it); its
        entry also shows its course, its therapist and, to those who see how it went, steps and
        plan named from the catalogues (the course's plan for a session logged before plans
        were kept with sessions: the course's version follows its plan)."""
        if session.is_draft:
            return None
        shown = (session.version, session.course.version, str(session.therapist))
        if not hasattr(session, "techniques_version"):  # the role sees no clinical fields
            return (*shown, "no clinical fields")
        return (*shown, session.techniques_version, session.zones_version)

    def read_details(self, sessions, history):
        if history.user.has_perm("sessions_app.view_session"):
            sessions = list(sessions)
            # The few techniques and zones are read once and shared by every step.
            prefetch_related_objects(sessions, "steps__technique", "steps__zone")
            compare_with_plans(sessions)

    def fhir_entries(self, session, patient, history):
        """A Procedure with the zones worked as body sites (a voided one entered-in-error),
        and an Observation of the pain before and after."""
        procedure = ref("Procedure", session.pk)
        return [
            (procedure, procedure_resource(session, patient)),
            *(
                (
                    ref("Observation", f"pain-{moment}-{session.pk}"),
                    pain(session, moment, patient, procedure),
                )
                for moment in ("before", "after")
            ),
        ]


class AddendumKind(RecordKind):
    code = "addendum"
    label = _("Addenda")
    permission = "sessions_app.view_session"
    template = "sessions_app/_timeline_addendum.html"
    timed = True

    def load(self, client, history):
        return list(
            Addendum.objects.filter(session__course__client=client).select_related(
                "author", "session__course"
            )
        )

    def moment(self, addendum):
        return addendum.created_at

    def fragment_version(self, addendum, history):
        # An addendum is never changed; it names its author and its (signed) session.
        return (addendum.session.version, str(addendum.author))


class VoidKind(RecordKind):
    """A voided session appears twice: where it was performed, and when it was voided."""

    code = "void"
    label = _("Voids")
    permission = "sessions_app.view_session"
    template = "sessions_app/_timeline_void.html"
    timed = True

    def load(self, client, history):
        return [session for session in history.records("session") if session.is_voided]

    def moment(self, session):
        return session.voided_at

    def fragment_version(self, session, history):
        return (session.version, str(session.voided_by))


def newest_history(catalogue):
    """The newest change of a catalogue (each save adds a row to its history), as a subquery."""
    return Subquery(catalogue.history.order_by("-history_id").values("history_id")[:1])


def procedure_resource(session, patient):
    duration = session.introductory_seconds + session.main_seconds + session.final_seconds
    zones = {step.zone.code: step.zone for step in session.steps.all()}
    resource = {
        "resourceType": "Procedure",
        "status": "entered-in-error" if session.is_voided else "completed",
        "basedOn": [{"reference": ref("CarePlan", session.course_id)}],
        "code": {
            "text": gettext("%(massage_type)s massage of the lumbosacral spine")
            % {"massage_type": session.course.get_massage_type_display()}
        },
        "subject": {"reference": patient},
        "performedPeriod": {
            "start": instant(session.performed_at),
            "end": instant(session.performed_at + datetime.timedelta(seconds=duration)),
        },
        "performer": [{"actor": {"display": str(session.therapist)}}],
        "bodySite": [
            {
                "coding": [{"system": f"{LOCAL}:zone", "code": code, "display": zone.name}],
                "text": zone.name,
            }
            for code, zone in zones.items()
        ],
        "note": [
            {
                "text": gettext("Tolerated: %(tolerance)s.")
                % {"tolerance": session.get_tolerance_display().lower()}
            },
            *([{"text": session.notes}] if session.notes else []),
        ],
    }
    if session.is_voided:
        resource["statusReason"] = {"text": session.void_reason}
    return resource


def pain(session, moment, patient, procedure):
    return {
        "resourceType": "Observation",
        "status": "entered-in-error" if session.is_voided else "final",
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": "72514-3",
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }
            ],
            "text": (
                gettext("Pain before the session")
                if moment == "before"
                else gettext("Pain after the session")
            ),
        },
        "subject": {"reference": patient},
        "partOf": [{"reference": procedure}],
        "effectiveDateTime": instant(session.performed_at),
        "valueInteger": session.pain_before if moment == "before" else session.pain_after,
    }
