from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from clinic.lib.dates import DayFirstDateInput
from screening.models import Answer, Contraindication, Screening


class ScreeningForm(forms.ModelForm):
    """The checklist: one required present/absent/unknown question per active item.

    Nothing is preselected, so an item can only be answered by someone who asked about it.
    """

    class Meta:
        model = Screening
        fields = ["screened_on", "systolic", "diastolic", "notes"]
        widgets = {
            "screened_on": DayFirstDateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(Contraindication.objects.active())
        for item in self.items:
            self.fields[self.field_name(item)] = forms.ChoiceField(
                label=item.name,
                choices=Answer.Value.choices,
                widget=forms.RadioSelect,
                # crispy renders help text unescaped; the catalogue is typed in the admin.
                help_text=conditional_escape(item.description),
                error_messages={"required": _("Answer present, absent or unknown.")},
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("screened_on"), Column("systolic"), Column("diastolic")),
            HTML(
                format_html(
                    '<p class="form-text">{}</p>',
                    _(
                        "A reading at or above %(systolic)s/%(diastolic)s mm Hg counts as "
                        "hypertension whatever its box says."
                    )
                    % {
                        "systolic": settings.CLINIC_SYSTOLIC_LIMIT,
                        "diastolic": settings.CLINIC_DIASTOLIC_LIMIT,
                    },
                )
            ),
            Fieldset(
                _("Contraindications"),
                *[InlineRadios(self.field_name(item)) for item in self.items],
            ),
            "notes",
            Submit("save", _("Save screening")),
        )

    @staticmethod
    def field_name(item):
        return f"item_{item.pk}"

    def answers(self):
        return {item: self.cleaned_data[self.field_name(item)] for item in self.items}
