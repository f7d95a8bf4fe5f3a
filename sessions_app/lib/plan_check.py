"""What a session did differently from its plan, for the history and the print view: "as
planned" in one line, or only the steps that differed."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext

from sessions_app.lib.technique import step_label
from sessions_app.models import Intensity, Stage

COMPARED = ("technique", "zone", "repetitions", "intensity")


@dataclass
class Difference:
    label: str  # "Main step 2", as the refusals and the form name it
    text: str  # what differed, in words


def planned_steps(session, catalogue):
    """The plan the session is compared with: the one kept when it was logged, else the
    course's plan as it is (read from the prefetched `course.steps`)."""
    if not session.planned_steps:
        return list(session.course.steps.all())
    techniques, zones = catalogue
    return [
        SimpleNamespace(
            stage=stage,
            technique=techniques[technique],
            zone=zones[zone],
            repetitions=repetitions,
            intensity=intensity,
        )
        for stage, technique, zone, repetitions, intensity in session.planned_steps
    ]


def shown(step, field):
    value = getattr(step, field)
    if field == "intensity":
        return str(Intensity(value).label).lower()
    if field in ("technique", "zone"):
        return value.name.lower()
    return str(value)


def described(step):
    return gettext("%(technique)s over the %(zone)s, %(intensity)s") % {
        "technique": shown(step, "technique"),
        "zone": shown(step, "zone"),
        "intensity": shown(step, "intensity"),
    }


def field_name(field):
    return {
        "technique": gettext("technique"),
        "zone": gettext("zone"),
        "repetitions": gettext("repetitions"),
        "intensity": gettext("intensity"),
    }[field]


def differences(performed, planned):
    """The steps that differ, stage by stage and in order: changed, added, or left out."""
    found = []
    for stage in Stage:
        done = [step for step in performed if step.stage == stage]
        plan = [step for step in planned if step.stage == stage]
        for index in range(max(len(done), len(plan))):
            label = step_label(stage, index + 1)
            step = done[index] if index < len(done) else None
            meant = plan[index] if index < len(plan) else None
            if meant is None:
                text = gettext("added: %(step)s") % {"step": described(step)}
            elif step is None:
                text = gettext("left out: %(step)s") % {"step": described(meant)}
            else:
                changed = [
                    gettext("%(field)s %(planned)s → %(done)s")
                    % {
                        "field": field_name(field),
                        "planned": shown(meant, field),
                        "done": shown(step, field),
                    }
                    for field in COMPARED
                    if shown(meant, field) != shown(step, field)
                ]
                if not changed:
                    continue
                text = "; ".join(changed)
            found.append(Difference(label=label, text=text))
    return found
