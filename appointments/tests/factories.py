"""Times of the clinic's week for the appointments' tests."""

import datetime

from django.utils import timezone


def next_monday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(hour, minute=0, day=None):
    day = day or next_monday()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
