"""The scoring rules of the standard outcome questionnaires (domain.md, "Is the course working?").

Each instrument's rule takes the answers as numbers (None for an item left unanswered) and
gives a Score: the value, its band or risk group, and the reason when it cannot be scored. The
rules are code, not data: an instrument's texts may be loaded from a file a clinic holds, but
how its answers become a score is the published rule, the same for every clinic.

Whether a change between two scores is real (meets the instrument's threshold of a minimal
important change) is `real_change`, with the thresholds given by the caller (clinic settings).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Score:
    value: Decimal | None  # None: not scored (see `why_not`)
    band: str = ""  # the band's code: "minimal", "low", ...
    subscore: int | None = None  # STarT Back's psychosocial subscore
    why_not: str = ""

    @property
    def scored(self):
        return self.value is not None


class NotScored(Exception):
    pass


def one_decimal(value):
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ODI: 0–20 minimal, 21–40 moderate, 41–60 severe, 61–80 crippling, 81–100 bed-bound. A
# percentage between two bands (35.6, 40.4 with a section unanswered) takes the band whose
# upper edge it does not pass.
ODI_BANDS = [
    (Decimal(20), "minimal", _("Minimal disability")),
    (Decimal(40), "moderate", _("Moderate disability")),
    (Decimal(60), "severe", _("Severe disability")),
    (Decimal(80), "crippled", pgettext_lazy("ODI band", "Crippling back pain")),
    (Decimal(100), "bed_bound", _("Bed-bound or exaggerating")),
]
ODI_SECTIONS = 10
ODI_MAX_UNANSWERED = 1


def oswestry(answers):
    """Oswestry Disability Index: 10 sections scored 0–5. The sum of the answered sections over
    five times their number, as a percentage (one decimal); 16 of 50 is 32 %, 16 of 45 (one
    section unanswered) 35.6 %; with more than one section unanswered it is not scored."""
    check_count(answers, ODI_SECTIONS)
    answered = [a for a in answers if a is not None]
    check_range(answered, 0, 5)
    if ODI_SECTIONS - len(answered) > ODI_MAX_UNANSWERED:
        return Score(
            None,
            why_not=_("More than one section unanswered: the Oswestry index is not scored."),
        )
    value = one_decimal(Decimal(sum(answered)) * 100 / (5 * len(answered)))
    return Score(value, band=odi_band(value))


def odi_band(value):
    return next(code for edge, code, _label in ODI_BANDS if value <= edge)


RMDQ_ITEMS = 24


def roland_morris(answers):
    """Roland–Morris Disability Questionnaire: 24 statements, ticked (1) if they apply today;
    the score is the number ticked, 0–24. An unanswered statement counts as not ticked, as on
    the paper form, where a statement is only ever ticked."""
    check_count(answers, RMDQ_ITEMS)
    ticked = [a or 0 for a in answers]
    check_range(ticked, 0, 1)
    return Score(Decimal(sum(ticked)))


PSFS_ACTIVITIES = (3, 5)


def patient_specific(answers):
    """Patient-Specific Functional Scale: 3–5 activities the client names, each rated 0 (unable)
    to 10 (as before the problem); the score is their mean (one decimal)."""
    rated = [a for a in answers if a is not None]
    low, high = PSFS_ACTIVITIES
    if not low <= len(rated) <= high:
        return Score(None, why_not=_("Rate three to five activities: the scale needs them."))
    check_range(rated, 0, 10)
    return Score(one_decimal(mean(rated)))


START_BACK_ITEMS = 9
START_BACK_PSYCHOSOCIAL = slice(4, 9)  # items 5–9
START_BACK_GROUPS = [
    ("low", _("Low risk")),
    ("medium", _("Medium risk")),
    ("high", _("High risk")),
]


def start_back(answers):
    """STarT Back Screening Tool: 9 items, agree = 1. The total is 0–9 and the psychosocial
    subscore that of items 5–9: a subscore of 4 or more is high risk; otherwise a total of 3 or
    less is low risk, and more is medium. Every item must be answered."""
    check_count(answers, START_BACK_ITEMS)
    if any(a is None for a in answers):
        return Score(None, why_not=_("Answer all nine STarT Back items: each one counts."))
    check_range(answers, 0, 1)
    total = sum(answers)
    subscore = sum(answers[START_BACK_PSYCHOSOCIAL])
    if subscore >= 4:
        group = "high"
    elif total <= 3:
        group = "low"
    else:
        group = "medium"
    return Score(Decimal(total), band=group, subscore=subscore)


def pain(answers):
    """Pain on the numeric rating scale, 0–10: the one answer is the score."""
    check_count(answers, 1)
    (value,) = answers
    if value is None:
        return Score(None, why_not=_("Rate the pain from 0 to 10."))
    check_range([value], 0, 10)
    return Score(Decimal(value))


def band_label(code):
    """The words of a band's or risk group's code."""
    labels = {band: label for _edge, band, label in ODI_BANDS} | dict(START_BACK_GROUPS)
    return labels.get(code, "")


def check_count(answers, count):
    if len(answers) != count:
        raise NotScored(f"{count} answers expected, {len(answers)} given")


def check_range(answers, low, high):
    if any(not (low <= a <= high) for a in answers):
        raise NotScored(f"answers must be {low}–{high}")


@dataclass(frozen=True)
class Change:
    by: Decimal  # later minus earlier
    improved: bool
    worse: bool
    real: bool  # meets the threshold of a minimal important change


def real_change(earlier, later, *, threshold, higher_is_better=False, percent=None):
    """How a score moved from `earlier` to `later`. The change is real when it is at least
    `threshold` points, or, with `percent`, at least that share of the earlier score (the pain
    score: 2 points or 30 %). Whichever way it goes, real or not, it is improved or worse."""
    by = Decimal(later) - Decimal(earlier)
    better = by > 0 if higher_is_better else by < 0
    size = abs(by)
    real = size >= Decimal(threshold)
    if percent is not None and earlier:
        real = real or size >= Decimal(earlier) * Decimal(percent) / 100
    return Change(by=by, improved=better, worse=bool(by) and not better, real=real and bool(by))
