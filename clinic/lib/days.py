"""Where a day of the clinic starts and ends: in the clinic's time zone (DJANGO_TIME_ZONE),
which decides what "today" is on every page."""

import datetime

from django.utils import timezone


def start_of(day):
    """The first moment of `day` in the clinic's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_bounds(first, last=None):
    """The moments from the start of `first` up to (not including) the start of the day after
    `last` (`first` itself when not given): compare with `>=` and `<`."""
    return start_of(first), start_of((last or first) + datetime.timedelta(days=1))
