"""The clinic-wide outcomes report for clinic admins: a page and the same rows as a CSV file
(the figures are outcomes.report's). Aggregates over courses only, no client's record: no
access-log row is written (the clinic-wide sessions CSV writes one because it holds clients'
records)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.lib import second_factor
from clinic.lib.csv_export import csv_response
from clinic.lib.dates import DayRangeForm
from outcomes import report as figures
from outcomes.report import GroupBy, reportable

DEFAULT_INSTRUMENT = "odi"


def instrument_choices():
    """The instruments the report can judge, named in the language of the page."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return [(code, each.name(language)) for code, each in reportable().items()]


def a_year_ago(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year - 1, day=28)


class OutcomesReportForm(DayRangeForm):
    """What the report is asked for. A field left out of the query takes its default: the
    last twelve months, the ODI, by plan template."""

    MAX_DAYS = 3 * 365 + 1  # three years, with a leap day
    too_long = gettext_lazy("Choose at most three years at a time.")

    instrument = forms.ChoiceField(label=gettext_lazy("Questionnaire"), choices=instrument_choices)
    group_by = forms.ChoiceField(label=gettext_lazy("Group by"), choices=GroupBy.choices)

    def __init__(self, query, **kwargs):
        super().__init__(self.with_defaults(query), **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = "outcomes:report"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("date_from"), Column("date_to")),
            Row(Column("instrument"), Column("group_by")),
            Div(
                StrictButton(_("Show"), type="submit", css_class="btn-primary btn-tap"),
                # The same fields, as the file: whatever was typed last, not the page shown.
                StrictButton(
                    _("Download CSV"),
                    type="submit",
                    formaction=reverse_lazy("outcomes:report_csv"),
                    css_class="btn-outline-primary btn-tap",
                ),
                css_class="d-flex flex-wrap gap-2 mb-4",
            ),
        )

    @staticmethod
    def with_defaults(query):
        """The query, with the default of each field it leaves out (a field sent empty stays
        empty and is refused)."""
        today = timezone.localdate()
        data = query.copy()
        defaults = {
            "date_from": formats.localize_input(a_year_ago(today) + datetime.timedelta(days=1)),
            "date_to": formats.localize_input(today),
            "instrument": DEFAULT_INSTRUMENT,
            "group_by": GroupBy.TEMPLATE.value,
        }
        for name, value in defaults.items():
            if name not in data:
                data[name] = value
        return data

    def report(self):
        data = self.cleaned_data
        return figures.outcomes_report(
            ended_from=data["date_from"],
            ended_to=data["date_to"],
            instrument=data["instrument"],
            group_by=data["group_by"],
        )


def only_clinic_admins(request):
    return second_factor.clinic_admins_only(request, _("The outcomes report is for clinic admins."))


def the_page(request, form, report=None, status=200):
    context = {"form": form, "report": report}
    if report is not None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        context["instrument_name"] = report.instrument.name(language)
    return render(request, "outcomes/report.html", context, status=status)


@never_cache
@require_GET
def outcomes_report(request):
    if second_step := only_clinic_admins(request):
        return second_step
    form = OutcomesReportForm(request.GET)
    if not form.is_valid():
        return the_page(request, form, status=400)
    return the_page(request, form, form.report())


# The CSV's column names, in the language of the request that writes the file.
HEADER = [
    pgettext_lazy("outcomes report CSV column", "group"),
    pgettext_lazy("outcomes report CSV column", "courses_ended"),
    pgettext_lazy("outcomes report CSV column", "measured"),
    pgettext_lazy("outcomes report CSV column", "median_change"),
    pgettext_lazy("outcomes report CSV column", "real_improvement"),
    pgettext_lazy("outcomes report CSV column", "real_improvement_percent"),
    pgettext_lazy("outcomes report CSV column", "really_worse"),
    pgettext_lazy("outcomes report CSV column", "really_worse_percent"),
]


def one_decimal(value):
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def csv_rows(report):
    for row in report.lines:
        yield [
            row.label,
            row.ended,
            row.measured,
            one_decimal(row.median_change),
            row.improved,
            row.improved_percent,
            row.worse,
            row.worse_percent,
        ]


@never_cache
@require_GET
def outcomes_report_csv(request):
    """The page's rows and total as a CSV file, UTF-8 with a byte-order mark (spreadsheet
    programs then read Cyrillic names right)."""
    if second_step := only_clinic_admins(request):
        return second_step
    form = OutcomesReportForm(request.GET)
    if not form.is_valid():
        return the_page(request, form, status=400)
    report = form.report()
    data = form.cleaned_data
    name = (
        f"outcomes-{report.instrument.code}-{report.group_by}-"
        f"{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.csv"
    )
    return csv_response(HEADER, csv_rows(report), name)
