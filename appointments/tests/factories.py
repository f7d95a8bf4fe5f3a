"""Times of the clinic's week for the appointments' tests."""

import datetime

from django.utils import timezone


def next_monday():
    # Read off the real clock, not timezone.now(), which the `clock` fixture may have moved.
    today = datetime.datetime.now(tz=timezone.get_current_timezone()).date()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(hour, minute=0, day=None):
    day = day or next_monday()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
