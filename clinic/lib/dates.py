"""Dates as people type them: day first ("12.03.1979", "12031979"), never a browser's
month-first picker, and read back in words before anything is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


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


def age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def reading(text, *, birth_date=False):
    """How a typed date is read, in words, or why it is not a date: (text, is_error)."""
    try:
        day = forms.DateField().clean(text)
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
