"""A stage's length as people say it: minutes, or minutes and seconds ("20", "3:30"),
stored in seconds."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MINUTES_SECONDS = re.compile(r"(\d{1,3})(?::([0-5]\d))?")


def shown(seconds):
    """180 -> '3:00', 1230 -> '20:30'."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


class StageDurationField(forms.Field):
    """Typed as minutes ("20") or minutes:seconds ("3:30"); cleaned to seconds."""

    default_error_messages = {
        "invalid": _("Type the minutes, or minutes and seconds: 20 or 3:30."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": _("min:s"), "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return shown(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        match = MINUTES_SECONDS.fullmatch(value)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match[1]) * 60 + int(match[2] or 0)
