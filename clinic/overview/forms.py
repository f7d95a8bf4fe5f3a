"""The read side's forms: the client list's search and filters, the clinic-wide export's dates."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.forms import therapists
from clinic.lib import fragments
from clinic.lib.dates import DayRangeForm
from clinic.lib.days import day_bounds
from clinic.models import Condition


class ClientFilterForm(forms.Form):
    """The search, filters and sort order of the client list. Posted, and kept in the sign-in's
    session: a name, a birth date or a phone never travels in a URL, where proxy logs and the
    browser's history would keep it (clinic.overview.views.ClientListView)."""

    STATUS_CHOICES = [
        ("active", pgettext_lazy("client status filter", "Active")),
        ("archived", _("Archived")),
        ("all", pgettext_lazy("client status filter", "All")),
    ]
    SORT_CHOICES = [
        ("name", _("Name")),
        ("record", _("Record number")),
        ("born", _("Date of birth")),
        ("newest", _("Newest first")),
    ]
    ORDERINGS = {
        "name": ("last_name", "first_name", "patronymic", "record_number"),
        "record": ("record_number",),
        "born": ("date_of_birth", "last_name"),
        "newest": ("-created_at", "-pk"),
    }

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, record number, phone or date of birth (DD.MM.YYYY)."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=therapists(),
        required=False,
        empty_label=pgettext_lazy("therapist", "Any"),
    )
    condition = forms.ModelChoiceField(
        label=_("Condition"),
        queryset=Condition.objects.all(),
        required=False,
        empty_label=pgettext_lazy("condition", "Any"),
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The page writes the <form> and its CSRF token around the fields (drawn()).
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("status", css_class="col-md-2"),
                Column("therapist", css_class="col-md-2"),
                Column("condition", css_class="col-md-2"),
                Column("sort", css_class="col-md-2"),
            ),
            Submit("search", _("Search"), css_class="btn-primary"),
            StrictButton(
                _("Clear"),
                name="clear",
                value="1",
                type="submit",
                css_class="btn-outline-secondary ms-2",
            ),
        )

    def drawn(self):
        """The fields and buttons as crispy draws them, kept in the cache (clinic.lib.fragments)
        for the filters shown, the choices offered and the language: each view of the list
        reads the choices but draws the same filters only once. A search typed in (a name, a
        phone, a birth date) is drawn afresh and never kept: it belongs to the sign-in's
        session, not to a cache shared by every server for a week."""
        if self.data.get("q"):
            return render_crispy_form(self)
        choices = []
        for name in ("therapist", "condition"):
            field = self.fields[name]
            # Read once, for the key and the drawing (iterated: list() would count them first).
            field.choices = list(iter(field.choices))
            choices.append([(str(value), str(label)) for value, label in field.choices])
        shown = sorted((name, str(value)) for name, value in self.data.items())
        return fragments.get_or_render(
            fragments.key("client-filter", 0, shown, choices), lambda: render_crispy_form(self)
        )

    def remembered(self):
        """What to keep in the session: the values as typed, so that a wrong one is shown
        again with its message."""
        return {name: self.data.get(name, "") for name in self.fields}

    def filter(self, clients):
        """Apply what validated; a field with an error is left out and its message is shown."""
        self.is_valid()
        chosen = self.cleaned_data
        status = chosen.get("status") or "active"
        if status == "active":
            clients = clients.active()
        elif status == "archived":
            clients = clients.archived()
        clients = clients.search(chosen.get("q"))
        if chosen.get("therapist"):
            clients = clients.filter(primary_therapist=chosen["therapist"])
        if chosen.get("condition"):
            clients = clients.filter(conditions=chosen["condition"])
        return clients.order_by(*self.ORDERINGS[chosen.get("sort") or "name"])


class SessionRangeForm(DayRangeForm):
    """The dates of the clinic-wide sessions export, both days included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = "overview:clinic_sessions_csv"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("date_from"), Column("date_to")), Submit("export", _("Download CSV"))
        )

    def bounds(self):
        """From the start of the first day up to the start of the day after the last."""
        return day_bounds(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
