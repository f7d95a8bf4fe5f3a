"""The forms a questionnaire is filled in with: built from its instrument and wording, a few
items per screen on the tablet, all of them on one page for a paper form entered by staff."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.lib.dates import DayFirstDateInput
from outcomes.wording import answer_label

ACTIVITY = "{}-name"  # the field naming a PSFS activity, beside its rating


class AnswersForm(forms.Form):
    """One answer per item of `items` (unanswered: left empty), and for the activities a
    client names (PSFS), a name beside the rating."""

    def __init__(self, *args, instrument, wording, items, headings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = items
        texts = (wording or {}).get("items", {})
        for item in items:
            label = texts.get(item.id) or (headings or {}).get(item.id) or item.id
            self.fields[item.id] = forms.TypedChoiceField(
                label=label,
                choices=[(value, answer_label(wording, item.id, value)) for value in item.values],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            if item.named_by_client:
                self.fields[ACTIVITY.format(item.id)] = forms.CharField(
                    label=_("Activity"), max_length=100, required=False
                )

    def rows(self):
        """(the answer's field, the activity's field or None) per item, for the templates."""
        return [
            (self[item.id], self[ACTIVITY.format(item.id)] if item.named_by_client else None)
            for item in self.items
        ]

    def clean(self):
        data = super().clean()
        for item in self.items:
            if not item.named_by_client:
                continue
            name = data.get(ACTIVITY.format(item.id), "")
            rated = data.get(item.id) is not None
            if rated and not name.strip():
                self.add_error(ACTIVITY.format(item.id), _("Name the activity you rated."))
            if name.strip() and not rated:
                self.add_error(item.id, _("Rate the activity you named, from 0 to 10."))
        return data

    def answers(self):
        return {item.id: self.cleaned_data.get(item.id) for item in self.items}

    def activities(self):
        return {
            item.id: self.cleaned_data.get(ACTIVITY.format(item.id), "")
            for item in self.items
            if item.named_by_client
        }


class PaperForm(AnswersForm):
    """A paper questionnaire entered by staff: every item, and the day the client filled it."""

    taken_on = forms.DateField(label=_("Filled in on"), widget=DayFirstDateInput())

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate()
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Why it is corrected"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The questionnaire as first entered stays in the record."),
            )


class SkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not taken"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the client declined")}),
    )
