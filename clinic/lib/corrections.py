"""Corrections of the records a past decision rests on (a referral note, a screening): a change
to one says why, and its history keeps the reason beside the old values (clinic.lib.change_log
shows them on the record's page; the back office's history lists them too)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MISSING = _("Say what was entered wrongly: a correction keeps its reason beside the old values.")


class CorrectionForm(forms.Form):
    """Mixin for the form of such a record, before the form class. The reason is asked only
    of a record that exists: a new one is not a correction."""

    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was entered wrongly. Kept in the record's history with the old values."),
    )

    def clean(self):
        cleaned = super().clean()
        try:
            give_reason(self.instance, cleaned.get("correction_reason", ""))
        except ValidationError as error:
            self.add_error("correction_reason", error)  # on the field, where it is typed
        return cleaned


def give_reason(record, reason):
    """Attach the reason of a correction to `record` for its history; a correction without
    one is refused (a ValidationError). A new record needs none."""
    if record._state.adding:
        return
    if not (reason or "").strip():
        raise ValidationError(MISSING, code="correction_reason")
    record._change_reason = reason.strip()
