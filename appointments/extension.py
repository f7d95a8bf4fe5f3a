"""What appointments add to a course (sessions_app.extensions): on the course page its
appointments and the ways to book them; on the session form and a session's page, the
appointment the session is performed in, or that it is a walk-in."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from appointments.models import Appointment, Status
from appointments.series import AWAITED
from sessions_app.extensions import CourseExtension
from sessions_app.models import Course, Session

OPEN = (Course.Status.PLANNED, Course.Status.ACTIVE)


class Appointments(CourseExtension):
    template = "appointments/_panel.html"

    def panel(self, request, course, place, **about):
        if place == "course":
            if not request.user.has_perm("appointments.view_appointment"):
                return None
            return course_panel(request.user, course)
        if place == "session_form":
            origin = about.get("origin")
            return {"place": place, "appointment": origin.appointment if origin else None}
        if place == "session":
            appointment = (
                Appointment.objects.filter(session=about["session"]).select_related("room").first()
            )
            return {"place": place, "appointment": appointment}
        return None


def course_panel(user, course):
    """The course's appointments, each with what `user` may do with it, in one query."""
    # The sessions logged so far come along with each row (series.remaining_numbers' rule,
    # without a query of its own).
    logged = (
        Session.objects.counted()
        .filter(course=OuterRef("course_id"))
        .order_by()
        .values("course")
        .annotate(count=Count("pk"))
        .values("count")
    )
    appointments = list(
        course.appointments.select_related("therapist", "room").annotate(
            logged=Coalesce(Subquery(logged), 0)
        )
    )
    # A session number an appointment still awaits is not rebooked.
    held = {a.session_number for a in appointments if a.status in AWAITED and not a.session_id}
    writable = course.status in OPEN and not course.client.is_archived
    may_change = user.has_perm("appointments.change_appointment") and not course.client.is_archived
    may_add = user.has_perm("appointments.add_appointment") and writable
    for appointment in appointments:
        appointment.may_change = may_change and appointment.status == Status.BOOKED
        appointment.may_rebook = (
            may_add
            and appointment.may_be_rebooked
            and appointment.session_number is not None
            and appointment.logged < appointment.session_number <= course.planned_sessions
            and appointment.session_number not in held
        )
    return {
        "place": "course",
        "course": course,
        "appointments": appointments,
        "may_book": may_add,
    }
