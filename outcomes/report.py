"""The clinic-wide outcomes report: of the courses that ended between two days, grouped by
plan template, massage type or therapist, how many were measured at baseline and discharge,
the median change, and the shares that improved or worsened by a real change.

What the figures mean, exactly:

- A course *ended* on the day of its last counted (not voided) session, in the clinic's time
  zone, and only once its status is completed. An active course whose sessions stopped has
  not ended; a cancelled course is never counted; a completed course without a counted
  session has no day it ended and is left out.
- A course is *measured* when it has a current (not replaced by a correction) baseline and a
  current discharge response of the instrument, both scored. A questionnaire after session N
  never stands in for a missing discharge: the report compares the same two points for every
  course.
- The *change* runs from baseline to discharge, in the instrument's points (percentage points
  for the ODI), signed so that a positive number is an improvement whichever way the
  instrument runs (a lower ODI is better, a higher PSFS is better). The median is
  statistics.median of the measured courses' changes.
- *Real improvement* and *really worse*: the change meets the clinic's threshold of a real
  change (settings.CLINIC_REAL_CHANGE, else the instrument's own), judged by
  Instrument.change as a course's own page judges it. A change below the threshold, either
  way, counts in neither. Both shares are of the measured courses.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from clinic.lib.days import day_bounds
from clinic.lib.massage import MassageType
from outcomes.instruments import shipped
from outcomes.models import Response, When
from sessions_app.models import Course, Session


class GroupBy(models.TextChoices):
    TEMPLATE = "template", _("Plan template")
    MASSAGE_TYPE = "massage_type", _("Massage type")
    THERAPIST = "therapist", _("Therapist")


def reportable():
    """The instruments whose score can change by a real change (STarT Back gives a risk
    group, not such a score), by code."""
    return {code: each for code, each in shipped().items() if each.real_change is not None}


def percent(share):
    """A share as a percentage with one decimal (1/3 -> 33.3), or None for no share."""
    if share is None:
        return None
    value = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    """One group's figures (or the whole clinic's, for the total)."""

    label: str
    ended: int  # courses that ended in the range
    measured: int  # of those, with a scored baseline and a scored discharge
    median_change: Decimal | None  # positive: better; None when none was measured
    improved: int  # measured and better by a real change
    worse: int  # measured and worse by a real change

    @property
    def improved_share(self):
        return Fraction(self.improved, self.measured) if self.measured else None

    @property
    def worse_share(self):
        return Fraction(self.worse, self.measured) if self.measured else None

    @property
    def improved_percent(self):
        return percent(self.improved_share)

    @property
    def worse_percent(self):
        return percent(self.worse_share)


@dataclass(frozen=True)
class Report:
    instrument: object  # outcomes.instruments.Instrument
    group_by: str
    threshold: dict  # the real change it was judged by: {"points": …, "percent": …}
    rows: list  # of Row, in the order they are shown
    total: Row

    @property
    def lines(self):
        """The groups' rows, then the total: what the page and the file show."""
        return [*self.rows, self.total]


def ended_courses(ended_from, ended_to, instrument):
    """The completed courses whose last counted session fell on `ended_from`…`ended_to`
    (both included), each with `baseline_score` and `discharge_score` of `instrument` (None
    where there is none, or it was not scored): one query, whatever their number."""
    start, end = day_bounds(ended_from, ended_to)
    last_session = (
        Session.objects.counted()
        .filter(course=OuterRef("pk"))
        .order_by("-performed_at")
        .values("performed_at")[:1]
    )

    def score_at(when):
        return Subquery(
            Response.objects.current()
            .filter(course=OuterRef("pk"), instrument=instrument, when=when, score__isnull=False)
            .order_by("-taken_on", "-recorded_at", "-pk")
            .values("score")[:1]
        )

    return (
        Course.objects.filter(status=Course.Status.COMPLETED)
        .annotate(
            ended_at=Subquery(last_session),
            baseline_score=score_at(When.BASELINE),
            discharge_score=score_at(When.DISCHARGE),
        )
        .filter(ended_at__gte=start, ended_at__lt=end)
        .select_related("template", "therapist")
        .only(
            "massage_type",
            "template",
            # The name in each language (django-modeltranslation), for the page's language
            # and the one it falls back to.
            *(f"template__name_{code}" for code, _name in settings.LANGUAGES),
            "therapist",
            "therapist__username",
            "therapist__first_name",
            "therapist__last_name",
            "therapist__patronymic",
        )
        .order_by()
    )


def group_of(course, group_by):
    """The group a course counts in: (its key, its place in the order, its label)."""
    if group_by == GroupBy.MASSAGE_TYPE:
        kind = MassageType(course.massage_type)
        return kind.value, (MassageType.values.index(kind.value), ""), str(kind.label)
    if group_by == GroupBy.THERAPIST:
        label = str(course.therapist)
        return course.therapist_id, (0, label.casefold()), label
    if course.template is None:
        return None, (1, ""), str(_("Without a plan template"))
    label = course.template.name
    return course.template_id, (0, label.casefold()), label


def figures(label, courses, instrument, threshold):
    """The Row of `courses` (annotated by ended_courses)."""
    gains, improved, worse = [], 0, 0
    for course in courses:
        if course.baseline_score is None or course.discharge_score is None:
            continue
        change = instrument.change(course.baseline_score, course.discharge_score, threshold)
        # Positive is better: a lower score is better on most instruments. Subtracting from
        # zero keeps "no change" 0, never -0.
        gains.append(change.by if instrument.higher_is_better else Decimal(0) - change.by)
        improved += int(change.real and change.improved)
        worse += int(change.real and change.worse)
    return Row(
        label=label,
        ended=len(courses),
        measured=len(gains),
        median_change=median(gains) if gains else None,
        improved=improved,
        worse=worse,
    )


def outcomes_report(*, ended_from, ended_to, instrument, group_by):
    """The figures of `instrument` (a code of reportable()) for the courses that ended from
    `ended_from` to `ended_to`, both days included, one Row per group of `group_by` (a
    GroupBy) and the total: in one query, whatever the number of courses."""
    definition = reportable().get(instrument)
    if definition is None:
        raise ValueError(f"{instrument!r} is not an instrument whose change can be real")
    group_by = GroupBy(group_by)
    threshold = {**definition.real_change, **settings.CLINIC_REAL_CHANGE.get(instrument, {})}
    courses = list(ended_courses(ended_from, ended_to, instrument))
    groups = defaultdict(list)
    places = {}
    for course in courses:
        key, place, label = group_of(course, group_by)
        groups[key].append(course)
        places[key] = (place, label)
    ordered = sorted(groups, key=lambda key: (places[key][0], str(key)))
    return Report(
        instrument=definition,
        group_by=group_by,
        threshold=threshold,
        rows=[figures(places[key][1], groups[key], definition, threshold) for key in ordered],
        total=figures(str(_("All courses")), courses, definition, threshold),
    )
