"""Recording a questionnaire and reading a course's results: baseline to latest, and whether
the change is real."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from outcomes.instruments import shipped
from outcomes.models import MeasurePoint, Response, SkippedMeasure, When
from outcomes.schedule import counted_days, taking_window
from outcomes.scoring import NotScored
from sessions_app.models import Course, Session


@transaction.atomic
def record_response(
    *,
    course,
    instrument,
    when,
    answers,
    how,
    by,
    taken_on=None,
    session_number=None,
    days_after=None,
    activities=None,
    replaces=None,
    correction_reason="",
):
    """Score and keep a questionnaire of `course`'s client, or keep nothing.

    `answers` maps each item's id to its value (None or left out: unanswered). A response
    that cannot be scored (two ODI sections unanswered, two PSFS activities) is kept with its
    reason and no score; answers an item does not offer are refused. `activities` names the
    PSFS activities rated. A correction `replaces` an earlier response of the same point,
    with the reason; the earlier one stays as given.
    """
    course.client.ensure_active()
    definition = shipped().get(instrument)
    if definition is None:
        raise ValidationError(_("There is no such questionnaire."), code="no_instrument")
    # Locking the course makes a form sent twice at once find the first one's response.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    same_point = Response.objects.current().filter(
        course=course,
        instrument=instrument,
        when=when,
        session_number=session_number,
        days_after=days_after,
    )
    if replaces is not None and not same_point.filter(pk=replaces.pk).exists():
        raise ValidationError(
            _("This questionnaire has been corrected already; correct the latest one."),
            code="corrected",
        )
    if replaces is None and same_point.exists():
        raise ValidationError(
            _("This questionnaire is taken already; correct it if it was entered wrongly."),
            code="taken",
        )
    activities = {key: name.strip() for key, name in (activities or {}).items() if name.strip()}
    if definition.rule == "patient_specific":
        unnamed = [
            key for key, value in answers.items() if value is not None and key not in activities
        ]
        if unnamed:
            raise ValidationError(_("Name each activity that is rated."), code="activity_unnamed")
    point = MeasurePoint(
        instrument=instrument, when=when, session_number=session_number, days_after=days_after
    )
    planned = MeasurePoint.objects.filter(
        template_id=course.template_id,
        instrument=instrument,
        when=when,
        session_number=session_number,
        days_after=days_after,
    )
    if replaces is None and not planned.exists():
        raise ValidationError(_("The course's plan has no such questionnaire."), code="not_planned")
    today = timezone.localdate()
    taken_on = taken_on or today
    window = taking_window(point, course, counted_days(course), today)
    if window is None:
        raise ValidationError(
            _("This questionnaire is not due yet: %(point)s.") % {"point": point.describe()},
            code="not_due",
        )
    if not window[0] <= taken_on <= window[1]:
        raise ValidationError(
            _("Date this questionnaire from %(first)s to %(last)s.")
            % {
                "first": date_format(window[0], "SHORT_DATE_FORMAT"),
                "last": date_format(window[1], "SHORT_DATE_FORMAT"),
            },
            code="taken_on",
        )
    try:
        score = definition.score(answers)
    except NotScored:
        raise ValidationError(
            _("Some answers are not among those the questionnaire offers; enter them again."),
            code="invalid_answers",
        ) from None
    response = Response(
        client=course.client,
        course=course,
        instrument=instrument,
        when=when,
        session_number=session_number,
        days_after=days_after,
        answers={key: value for key, value in answers.items() if value is not None},
        activities=activities,
        score=score.value,
        band=score.band,
        subscore=score.subscore,
        taken_on=taken_on,
        how=how,
        recorded_by=by,
        replaces=replaces,
        correction_reason=correction_reason.strip(),
    )
    response.full_clean()
    response._history_user = by
    response.save()
    return response


@dataclass
class Result:
    """One instrument of a course: where it started, where it is now, and what that means."""

    instrument: object  # outcomes.instruments.Instrument
    baseline: Response
    latest: Response | None  # None while only the baseline is taken
    change: object = None  # outcomes.scoring.Change, when both are scored and it can change


def course_results(course):
    """Baseline → latest of each instrument the course has scored, in one query."""
    responses = list(
        Response.objects.current()
        .filter(course=course, score__isnull=False)
        .order_by("taken_on", "recorded_at")
    )
    results = []
    for code, definition in shipped().items():
        taken = [r for r in responses if r.instrument == code]
        baseline = next((r for r in taken if r.when == When.BASELINE), None)
        if baseline is None:
            continue
        later = [r for r in taken if r is not baseline and r.taken_on >= baseline.taken_on]
        latest = later[-1] if later else None
        result = Result(definition, baseline, latest)
        if latest is not None and definition.real_change is not None:
            result.change = definition.change(
                baseline.score, latest.score, settings.CLINIC_REAL_CHANGE.get(code)
            )
        results.append(result)
    return results


@transaction.atomic
def skip_measure(*, course, point, reason, by):
    """Keep that the questionnaire due at `point` is not taken, and why. A baseline is
    skipped before the first session only where the clinic allows it
    (CLINIC_BASELINE_MAY_BE_SKIPPED); once a session is logged, a missed one may be."""
    course.client.ensure_active()
    Course.objects.select_for_update().filter(pk=course.pk).first()
    same = {
        "course": course,
        "instrument": point.instrument,
        "when": point.when,
        "session_number": point.session_number,
        "days_after": point.days_after,
    }
    if (
        Response.objects.current().filter(**same).exists()
        or SkippedMeasure.objects.filter(**same).exists()
    ):
        raise ValidationError(_("This questionnaire is taken already."), code="taken")
    first_session = Session.objects.counted().filter(course=course).exists()
    if (
        point.when == When.BASELINE
        and not settings.CLINIC_BASELINE_MAY_BE_SKIPPED
        and not first_session
    ):
        raise ValidationError(
            _("The clinic takes every baseline questionnaire before the first session."),
            code="baseline_required",
        )
    skipped = SkippedMeasure(
        course=course,
        instrument=point.instrument,
        when=point.when,
        session_number=point.session_number,
        days_after=point.days_after,
        reason=reason.strip(),
        skipped_by=by,
    )
    skipped.full_clean()
    skipped._history_user = by
    skipped.save()
    return skipped
