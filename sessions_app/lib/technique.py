"""The clinic's technique as rules over a list of steps (domain.md, "How a session is built").

The same rules hold for a plan template, a client's plan and a logged session, so they live
here once and every one of those is checked by `step_errors`.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sessions_app.models import OPENING_TECHNIQUES, REPETITIONS, Intensity, Stage, Technique

# One sentence per stage: a stage's name changes form inside a Russian sentence.
EMPTY_STAGE_MESSAGES = {
    Stage.INTRODUCTORY: _("The introductory stage has no step; add at least one."),
    Stage.MAIN: _("The main stage has no step; add at least one."),
    Stage.FINAL: _("The final stage has no step; add at least one."),
}


def step_label(stage, number):
    """'Main step 2': a step as the form's rows and the refusals number it."""
    return gettext("%(stage)s step %(number)s") % {"stage": Stage(stage).label, "number": number}


def on_row(errors, step):
    """The errors of one step, marked with the row it came from (its index among the steps
    given, set by services.build_steps), so that the form marks that row."""
    row = getattr(step, "row", None)
    for error in errors:
        error.params = {**(error.params or {}), "row": row}
    return errors


def describe(step, number):
    """'Main step 2 (kneading over the lumbar zone, deep)': how a message names a step."""
    return gettext("%(stage)s step %(number)s (%(technique)s over the %(zone)s, %(intensity)s)") % {
        "stage": Stage(step.stage).label,
        "number": number,
        "technique": step.technique.name.lower(),
        "zone": step.zone.name.lower(),
        "intensity": Intensity(step.intensity).label.lower(),
    }


def either(names):
    """'stroking or shaking': the names joined by "or"."""
    if not names:
        return ""
    joined = names[0]
    for name in names[1:]:
        joined = gettext("%(some)s or %(other)s") % {"some": joined, "other": name}
    return joined


def in_stage_order(steps):
    """Steps sorted by stage, keeping the order in which they were given within a stage."""
    return sorted(steps, key=lambda step: step.stage)


def step_errors(steps):
    """Every way the steps break the technique, as ValidationErrors naming the step."""
    steps = in_stage_order(steps)
    errors = []
    by_stage = {stage: [s for s in steps if s.stage == stage] for stage in Stage}
    for stage, stage_steps in by_stage.items():
        if not stage_steps:
            errors.append(ValidationError(EMPTY_STAGE_MESSAGES[stage], code="stage_empty"))
    named = list(
        Technique.objects.active().filter(Q(code__in=OPENING_TECHNIQUES) | Q(is_relaxing=True))
    )
    openers = either([t.name.lower() for t in named if t.opens_session])
    relaxing = either([t.name.lower() for t in named if t.is_relaxing])
    introduction = by_stage[Stage.INTRODUCTORY]
    if introduction and not introduction[0].technique.opens_session:
        errors += on_row(
            [
                ValidationError(
                    gettext("%(step)s: the session opens with %(openers)s."),
                    code="introduction_opening",
                    params={"step": describe(introduction[0], 1), "openers": openers},
                )
            ],
            introduction[0],
        )
    for stage_steps in by_stage.values():
        for number, step in enumerate(stage_steps, start=1):
            errors += on_row(errors_of_step(step, describe(step, number), relaxing), step)
    return errors


def errors_of_step(step, name, relaxing):
    errors = []
    for message, entry in (
        (_("%(step)s: the technique “%(name)s” is retired; choose one in use."), step.technique),
        (_("%(step)s: the zone “%(name)s” is retired; choose one in use."), step.zone),
    ):
        if not entry.is_active:
            errors.append(
                ValidationError(message, code="retired", params={"step": name, "name": entry.name})
            )
    if not REPETITIONS[0] <= (step.repetitions or 0) <= REPETITIONS[1]:
        errors.append(
            ValidationError(
                ngettext(
                    "%(step)s: repeat each technique %(low)s–%(high)s time, not %(repetitions)s.",
                    "%(step)s: repeat each technique %(low)s–%(high)s times, not %(repetitions)s.",
                    REPETITIONS[1],
                ),
                code="repetitions",
                params={
                    "step": name,
                    "low": REPETITIONS[0],
                    "high": REPETITIONS[1],
                    "repetitions": step.repetitions,
                },
            )
        )
    if step.stage == Stage.INTRODUCTORY and step.intensity == Intensity.DEEP:
        errors.append(
            ValidationError(
                gettext(
                    "%(step)s: the introductory stage only warms up; nothing in it may be deep."
                ),
                code="introduction_deep",
                params={"step": name},
            )
        )
    if step.stage == Stage.FINAL and not step.technique.is_relaxing:
        errors.append(
            ValidationError(
                gettext(
                    "%(step)s: the final stage closes with relaxing techniques only (%(relaxing)s)."
                ),
                code="final_not_relaxing",
                params={"step": name, "relaxing": relaxing},
            )
        )
    if step.intensity > step.zone.deepest:
        errors.append(
            ValidationError(
                gettext("%(step)s: the %(zone)s allows %(intensity)s work only."),
                code="zone_too_deep",
                params={
                    "step": name,
                    "zone": step.zone.name.lower(),
                    "intensity": Intensity(step.zone.deepest).label.lower(),
                },
            )
        )
    return errors
