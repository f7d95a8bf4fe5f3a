"""The course page and the session form show the course's questionnaires, and a course's
first session waits for its baseline (sessions_app.extensions)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from outcomes.forms import SkipForm
from outcomes.instruments import shipped
from outcomes.models import When
from outcomes.schedule import course_schedule
from outcomes.services import course_results
from sessions_app.extensions import CourseExtension


class Questionnaires(CourseExtension):
    template = "outcomes/_course_panel.html"

    def panel(self, request, course, place, **about):
        if place not in ("course", "session_form") or not request.user.has_perm(
            "outcomes.view_response"
        ):
            return None
        schedule = course_schedule(course)
        today = timezone.localdate()
        if place == "session_form":
            schedule = [due for due in schedule if due.is_due(today)]
        if not schedule:
            return None
        language = request.LANGUAGE_CODE
        return {
            "place": place,
            "rows": [
                {
                    "due": due,
                    "name": shipped()[due.point.instrument].name(language),
                    "now": due.is_due(today),
                    "missed": due.is_missed(today),
                    "may_skip": may_skip(due, today),
                }
                for due in schedule
            ],
            "results": course_results(course) if place == "course" else [],
            "skip_form": SkipForm(),
            "may_record": request.user.has_perm("outcomes.add_response")
            and not course.client.is_archived
            and not course.is_closed,
        }

    def session_errors(self, session, earlier):
        if earlier:
            return []
        # A baseline counts when it was scored on or before the session's day (an unscored
        # one, sent half-answered, is no baseline), or was skipped with a reason.
        day = timezone.localdate(session.performed_at)
        missing = [
            due
            for due in course_schedule(session.course)
            if due.point.when == When.BASELINE
            and not due.skipped
            and not (
                due.response and due.response.score is not None and due.response.taken_on <= day
            )
        ]
        if not missing:
            return []
        listed = ", ".join(str(due.point.get_instrument_display()) for due in missing)
        message = (
            gettext(
                "Take the baseline questionnaires, answered enough to be scored, before the "
                "first session, or skip them with a reason: %(names)s."
            )
            if settings.CLINIC_BASELINE_MAY_BE_SKIPPED
            else gettext(
                "Take the baseline questionnaires, answered enough to be scored, before the "
                "first session: %(names)s."
            )
        )
        return [ValidationError(message % {"names": listed}, code="baseline_due")]


def may_skip(due, today):
    """Any questionnaire may be kept as not taken, with why; a baseline before the first
    session only where the clinic allows it (once missed, it is history)."""
    return (
        due.point.when != When.BASELINE
        or settings.CLINIC_BASELINE_MAY_BE_SKIPPED
        or due.is_missed(today)
    )
