"""The clinic's technique as rules over a list of steps (domain.md, "How a session is built").

The same rules hold for a plan template, a client's plan and a logged session, so they live
here once and every one of those is checked by `step_errors`.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from sessions_app.models import OPENING_TECHNIQUES, REPETITIONS, Intensity, Stage, Technique


def describe(step, number):
    """'Main step 2 (kneading over the lumbar zone, deep)': how a message names a step."""
    return (
        f"{Stage(step.stage).label} step {number} ({step.technique.name.lower()} over the "
        f"{step.zone.name.lower()}, {Intensity(step.intensity).label.lower()})"
    )


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
            errors.append(
                ValidationError(
                    f"The {stage.label.lower()} stage has no step; add at least one.",
                    code="stage_empty",
                )
            )
    named = list(
        Technique.objects.active().filter(Q(code__in=OPENING_TECHNIQUES) | Q(is_relaxing=True))
    )
    openers = " or ".join(t.name.lower() for t in named if t.opens_session)
    relaxing = " or ".join(t.name.lower() for t in named if t.is_relaxing)
    introduction = by_stage[Stage.INTRODUCTORY]
    if introduction and not introduction[0].technique.opens_session:
        errors.append(
            ValidationError(
                f"{describe(introduction[0], 1)}: the session opens with {openers}.",
                code="introduction_opening",
            )
        )
    for stage_steps in by_stage.values():
        for number, step in enumerate(stage_steps, start=1):
            errors += errors_of_step(step, describe(step, number), relaxing)
    return errors


def errors_of_step(step, name, relaxing):
    errors = []
    for kind, entry in (("technique", step.technique), ("zone", step.zone)):
        if not entry.is_active:
            errors.append(
                ValidationError(
                    f"{name}: the {kind} “{entry.name}” is retired; choose one in use.",
                    code="retired",
                )
            )
    if not REPETITIONS[0] <= (step.repetitions or 0) <= REPETITIONS[1]:
        errors.append(
            ValidationError(
                f"{name}: repeat each technique {REPETITIONS[0]}–{REPETITIONS[1]} times, "
                f"not {step.repetitions}.",
                code="repetitions",
            )
        )
    if step.stage == Stage.INTRODUCTORY and step.intensity == Intensity.DEEP:
        errors.append(
            ValidationError(
                f"{name}: the introductory stage only warms up; nothing in it may be deep.",
                code="introduction_deep",
            )
        )
    if step.stage == Stage.FINAL and not step.technique.is_relaxing:
        errors.append(
            ValidationError(
                f"{name}: the final stage closes with relaxing techniques only ({relaxing}).",
                code="final_not_relaxing",
            )
        )
    if step.intensity > step.zone.deepest:
        errors.append(
            ValidationError(
                f"{name}: the {step.zone.name.lower()} allows "
                f"{Intensity(step.zone.deepest).label.lower()} work only.",
                code="zone_too_deep",
            )
        )
    return errors
