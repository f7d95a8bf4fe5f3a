import datetime

from django.utils import timezone

from clinic.tests.factories import UserFactory
from consent.demo import sign_on_screen, write_sample_texts
from consent.models import ConsentText, Kind

# The sample texts come into force long before any record a test makes.
TEXTS_FROM = datetime.date(2000, 1, 1)


def sample_texts():
    """The sample texts of every kind in both languages (once per test)."""
    if not ConsentText.objects.exists():
        write_sample_texts(by=UserFactory(), in_force_from=TEXTS_FROM)
    return ConsentText.objects.all()


def consent(client, *, days_ago=60, kind=Kind.TREATMENT, by=None, **details):
    """A consent (or refusal) of `client`, signed on the screen `days_ago` days ago."""
    sample_texts()
    return sign_on_screen(
        client,
        by=by or UserFactory(),
        kind=kind,
        signed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **details,
    )
