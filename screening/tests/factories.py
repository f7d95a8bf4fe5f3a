import datetime

from django.utils import timezone

from clinic.tests.factories import UserFactory
from screening.models import Answer, Contraindication
from screening.services import record_screening


def screen(client, *, days_ago=0, found=(), unknown=(), by=None, pressure=(None, None)):
    """Record a screening through the service: every active item absent unless named in
    `found` (present) or `unknown`, by item code."""
    answers = {}
    for item in Contraindication.objects.active():
        if item.code in found:
            answers[item] = Answer.Value.PRESENT
        elif item.code in unknown:
            answers[item] = Answer.Value.UNKNOWN
        else:
            answers[item] = Answer.Value.ABSENT
    systolic, diastolic = pressure
    return record_screening(
        client=client,
        by=by or UserFactory(),
        answers=answers,
        screened_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        systolic=systolic,
        diastolic=diastolic,
    )
