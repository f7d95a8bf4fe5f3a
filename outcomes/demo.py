"""The demo's questionnaires: which ones its plan templates have due, and the answers its
clients gave (seed_demo)."""

from outcomes.instruments import shipped
from outcomes.models import MeasurePoint, Response, When
from outcomes.services import record_response

MIDWAY = 5  # the session after which the ODI and the pain are taken again
# Every plan template: the ODI and the pain score at the baseline, midway and at discharge,
# the ODI again a month after the last session; the classic course adds the client's own
# activities (PSFS) at the baseline and discharge.
DEMO_POINTS = [
    ("odi", When.BASELINE, None, None),
    ("pain", When.BASELINE, None, None),
    ("odi", When.AFTER_SESSION, MIDWAY, None),
    ("pain", When.AFTER_SESSION, MIDWAY, None),
    ("odi", When.DISCHARGE, None, None),
    ("pain", When.DISCHARGE, None, None),
    ("odi", When.FOLLOW_UP, None, 30),
]
CLASSIC_POINTS = [("psfs", When.BASELINE, None, None), ("psfs", When.DISCHARGE, None, None)]


def add_demo_points(templates):
    """The demo's measure points on each template that has none yet."""
    for template in templates:
        if template.measure_points.exists():
            continue
        points = DEMO_POINTS + (CLASSIC_POINTS if template.massage_type == "classic" else [])
        MeasurePoint.objects.bulk_create(
            MeasurePoint(
                template=template,
                instrument=instrument,
                when=when,
                session_number=number,
                days_after=days,
            )
            for instrument, when, number, days in points
        )


# The ODI's ten sections, in the order of the form.
SECTIONS = [item.id for item in shipped()["odi"].items]


def odi_answers(total):
    """Ten sections adding up to `total` of 50, as a client might answer."""
    return {s: total // 10 + (1 if i < total % 10 else 0) for i, s in enumerate(SECTIONS)}


def take_demo(course, *, when, on, odi, pain, by, number=None, activities=None):
    """The ODI (`odi` of 50) and the pain score of one point, on paper, and the client's
    activities (PSFS: {name: rating}) where given."""
    point = {"when": when, "session_number": number, "taken_on": on, "by": by}
    how = Response.How.PAPER if when == When.BASELINE else Response.How.TABLET
    record_response(course=course, instrument="odi", answers=odi_answers(odi), how=how, **point)
    record_response(course=course, instrument="pain", answers={"pain_now": pain}, how=how, **point)
    if activities:
        keys = [f"activity{n}" for n in range(1, len(activities) + 1)]
        record_response(
            course=course,
            instrument="psfs",
            answers=dict(zip(keys, activities.values(), strict=True)),
            activities=dict(zip(keys, activities, strict=True)),
            how=how,
            **point,
        )
