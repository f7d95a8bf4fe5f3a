"""Dates as people type them: day first ("12.03.1979", "12031979"), never a browser's
month-first picker, and read back in words before anything is stored."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

EIGHT_DIGITS = re.compile(r"\d{8}")


def with_separators(text):
    """'12031979' -> '12.03.1979': eight digits typed with no separator are the day, the month
    and the year. Fewer are not read as a date: is 1121979 the 1st of December or the 11th of
    February?"""
    text = (text or "").strip()
    return f"{text[:2]}.{text[2:4]}.{text[4:]}" if EIGHT_DIGITS.fullmatch(text) else text


class DayFirstDateInput(forms.DateInput):
    """A text box taking the language's day-first formats (DATE_INPUT_FORMATS of
    clinic/formats); static/js/date-reading.js shows under it how the server reads what was
    typed ("12 марта 1979 · 47 лет") while the person types."""

    def __init__(self, *, birth_date=False, attrs=None):
        attrs = {
            "placeholder": _("DD.MM.YYYY"),
            "autocomplete": "off",
            "data-date-reading": reverse_lazy("date_reading"),
            **({"data-birth-date": "1"} if birth_date else {}),
            **(attrs or {}),
        }
        super().__init__(attrs=attrs)

    def value_from_datadict(self, data, files, name):
        return with_separators(super().value_from_datadict(data, files, name))


def age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def reading(text, *, birth_date=False):
    """How a typed date is read, in words, or why it is not a date: (text, is_error)."""
    try:
        day = forms.DateField().clean(with_separators(text))
    except ValidationError:
        return str(_("Type the date day first: %(example)s.") % {"example": "12.03.1979"}), True
    words = formats.date_format(day, "DATE_FORMAT")
    if birth_date:
        age = age_on(day, timezone.localdate())
        if age < 0:
            return str(_("%(date)s is in the future.") % {"date": words}), True
        years = ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age}
        words = f"{words} · {years}"
    return words, False


class DayRangeForm(forms.Form):
    """Two days, both included, read day first: the first and the last of a range no longer
    than MAX_DAYS, between 1900 and a year from today."""

    MAX_DAYS = 366
    too_long = _("Export at most a year at a time.")

    date_from = forms.DateField(label=_("From"), widget=DayFirstDateInput())
    date_to = forms.DateField(label=_("To"), widget=DayFirstDateInput())

    def clean(self):
        cleaned = super().clean()
        earliest = datetime.date(1900, 1, 1)
        latest = timezone.localdate() + datetime.timedelta(days=366)
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not earliest <= day <= latest:
                self.add_error(name, _("Enter a day between 1900 and a year from today."))
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and not self.errors:
            if last < first:
                self.add_error("date_to", _("The last day comes before the first; swap them."))
            elif (last - first).days >= self.MAX_DAYS:
                self.add_error("date_to", self.too_long)
        return cleaned
