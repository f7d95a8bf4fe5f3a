from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from clinic.forms import therapists
from clinic.lib.dates import DayFirstDateInput
from clinic.lib.versions import VersionedForm
from sessions_app.lib.durations import StageDurationField
from sessions_app.lib.technique import step_label
from sessions_app.models import (
    STAGE_SECONDS,
    STEP_FIELDS,
    Course,
    Intensity,
    PlanTemplate,
    Session,
    Stage,
    Technique,
    Zone,
)


def date_input():
    return DayFirstDateInput()


class CourseForm(forms.ModelForm):
    therapist = forms.ModelChoiceField(queryset=therapists(), label=_("Therapist"))

    class Meta:
        model = Course
        fields = [
            "therapist",
            "referral",
            "goal",
            "planned_sessions",
            "start_date",
            "frequency_days",
        ]
        widgets = {"start_date": date_input(), "goal": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        # The notes of this client only; the model refuses one that does not clear.
        self.fields["referral"].queryset = client.referral_notes.all()
        self.fields["referral"].empty_label = None
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.layout_rows(), Submit("save", _("Save course")))

    def layout_rows(self):
        return [
            Row(Column("therapist"), Column("referral")),
            "goal",
            Row(Column("planned_sessions"), Column("start_date"), Column("frequency_days")),
        ]


class NewCourseForm(CourseForm):
    template = forms.ModelChoiceField(
        queryset=PlanTemplate.objects.active(),
        label=_("Plan template"),
        help_text=_(
            "Its steps are copied into the course; adjust them afterwards for this client."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user in self.fields["therapist"].queryset:
            self.initial.setdefault("therapist", user.pk)
        clearing = self.fields["referral"].queryset.clearing().first()
        if clearing:
            self.initial.setdefault("referral", clearing.pk)

    def layout_rows(self):
        return ["template", *super().layout_rows()]


class CourseEditForm(VersionedForm, CourseForm):
    class Meta(CourseForm.Meta):
        fields = ["therapist", "referral", "goal", "planned_sessions", "frequency_days", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A therapist who has since left stays on the course until someone chooses another.
        self.fields["therapist"].queryset = (
            therapists()
            | type(self.instance.therapist).objects.filter(pk=self.instance.therapist_id)
        ).distinct()

    def layout_rows(self):
        return [
            Row(Column("therapist"), Column("referral")),
            "goal",
            Row(Column("planned_sessions"), Column("frequency_days"), Column("status")),
            "opened_version",
        ]


class StepForm(forms.Form):
    """One step, planned or performed. The choices come from the formset, read once."""

    # Every choice starts blank, so that an untouched spare row is left out, not refused.
    stage = forms.TypedChoiceField(
        label=_("Stage"), choices=[("", "—"), *Stage.choices], coerce=int
    )
    technique = forms.TypedChoiceField(label=_("Technique"), coerce=int)
    zone = forms.TypedChoiceField(label=_("Zone"), coerce=int)
    repetitions = forms.IntegerField(label=_("Repetitions"), min_value=1, max_value=9)
    intensity = forms.TypedChoiceField(
        label=_("Intensity"), choices=[("", "—"), *Intensity.choices], coerce=int
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.fields["technique"].choices = [("", "—")] + [
            (t.pk, t.name) for t in catalogue["techniques"].values()
        ]
        self.fields["zone"].choices = [("", "—")] + [
            (z.pk, z.name) for z in catalogue["zones"].values()
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            elif not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean_technique(self):
        return self.catalogue["techniques"][self.cleaned_data["technique"]]

    def clean_zone(self):
        return self.catalogue["zones"][self.cleaned_data["zone"]]


def mark_invalid(form, number):
    """The controls of a refused row say so, to the eye and to a screen reader, and point at
    the refusals shown beside them (_step_formset.html)."""
    described = " ".join(
        f"step-{number}-refusal-{index}" for index in range(1, len(form.refusals) + 1)
    )
    for name, field in form.fields.items():
        if name == "DELETE":
            continue
        attrs = field.widget.attrs
        attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = described


class PlanStepForm(StepForm):
    planned_seconds = forms.IntegerField(
        label=_("Planned (s)"), min_value=10, max_value=3600, required=False
    )


class BaseStepFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        catalogue = {
            "techniques": {t.pk: t for t in Technique.objects.active()},
            "zones": {z.pk: z for z in Zone.objects.active()},
        }
        super().__init__(*args, form_kwargs={"catalogue": catalogue}, **kwargs)

    def kept_forms(self):
        """The forms of the steps kept, in the order given; an untouched extra form is left
        empty (cleaned_data == {}) and skipped, as is one ticked for removal."""
        return [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def steps(self):
        """The kept steps as dicts, in the order they were given."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.kept_forms()
        ]

    def number_rows(self):
        """Name each row as the refusals name its step ("Main step 6"): numbered within its
        stage, in the order given; a row with no stage yet is a new step."""
        counts = {}
        for form in self.forms:
            stage = form["stage"].value()
            try:
                stage = Stage(int(stage))
            except (TypeError, ValueError):
                form.step_label = gettext("New step")
                continue
            counts[stage] = counts.get(stage, 0) + 1
            form.step_label = step_label(stage, counts[stage])

    def refuse(self, error, form):
        """Put each refusal of a step on the row it names (lib.technique.on_row), and the
        others on `form`; return the refused steps' messages and rows, for the summary at the
        top to link to."""
        kept = self.kept_forms() if self.is_valid() else []
        refused = []
        for item in error.error_list:
            row = (item.params or {}).get("row")
            if row is not None and row < len(kept):
                kept[row].refusals = [*getattr(kept[row], "refusals", []), *item.messages]
                refused.append((item.messages[0], self.forms.index(kept[row]) + 1))
            else:
                form.add_error(None, item)
        for step in kept:
            if getattr(step, "refusals", None):
                mark_invalid(step, self.forms.index(step) + 1)
        return refused


# A session has a few dozen steps at most; the cap also stops a forged form from asking the
# server to build thousands of rows.
MAX_STEPS = 40
StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_STEPS,
    absolute_max=MAX_STEPS,
    validate_max=True,
)
PlanStepFormSet = forms.formset_factory(
    PlanStepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_STEPS,
    absolute_max=MAX_STEPS,
    validate_max=True,
)


def step_initial(steps, *, with_duration=False):
    fields = [*STEP_FIELDS, "planned_seconds"] if with_duration else STEP_FIELDS
    return [
        {name: getattr(step, f"{name}_id", None) or getattr(step, name) for name in fields}
        for step in steps
    ]


class SessionForm(VersionedForm, forms.Form):
    performed_at = forms.DateTimeField(
        label=_("Performed at"),
        # Day first, as the language's DATETIME_INPUT_FORMATS read it: never a browser's
        # month-first picker.
        widget=forms.DateTimeInput(
            attrs={"placeholder": _("DD.MM.YYYY HH:MM"), "autocomplete": "off"},
            format="%d.%m.%Y %H:%M",
        ),
    )
    # As people say them: "3:00", "20", "5" (minutes, or minutes:seconds).
    introductory_duration = StageDurationField(
        label=_("Introductory stage"), initial=STAGE_SECONDS[Stage.INTRODUCTORY][2]
    )
    main_duration = StageDurationField(label=_("Main stage"), initial=STAGE_SECONDS[Stage.MAIN][2])
    final_duration = StageDurationField(
        label=_("Final stage"), initial=STAGE_SECONDS[Stage.FINAL][2]
    )
    pain_before = forms.IntegerField(label=_("Pain before (0–10)"), min_value=0, max_value=10)
    pain_after = forms.IntegerField(label=_("Pain after (0–10)"), min_value=0, max_value=10)
    tolerance = forms.ChoiceField(
        label=_("Tolerance"), choices=Session.Tolerance.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # A new session's form carries a one-time token (services.log_session): sent twice, it
    # logs one session.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "performed_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The reasons a session was refused are this form's non-field errors.
        self.helper.form_error_title = _("Nothing was saved")
        self.helper.layout = Layout(
            Row(
                Column("performed_at"),
                Column("introductory_duration"),
                Column("main_duration"),
                Column("final_duration"),
            ),
            Row(Column("pain_before"), Column("pain_after"), Column("tolerance")),
            "notes",
            "opened_version",
            "form_token",
        )

    @classmethod
    def initial_for(cls, session):
        return {
            "performed_at": timezone.localtime(session.performed_at),
            "introductory_duration": session.introductory_seconds,
            "main_duration": session.main_seconds,
            "final_duration": session.final_seconds,
            "pain_before": session.pain_before,
            "pain_after": session.pain_after,
            "tolerance": session.tolerance,
            "notes": session.notes,
            "opened_version": session.version,
        }

    def session_fields(self):
        """The arguments of log_session / revise_session, durations in seconds."""
        data = self.cleaned_data
        return {
            "performed_at": data["performed_at"],
            "introductory_seconds": data["introductory_duration"],
            "main_seconds": data["main_duration"],
            "final_seconds": data["final_duration"],
            "pain_before": data["pain_before"],
            "pain_after": data["pain_after"],
            "tolerance": data["tolerance"],
            "notes": data["notes"],
        }


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("void form", "Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this session was entered in error. It stays visible, marked as voided."),
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A correction or later note. The signed session itself stays as it was."),
    )
