from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from clinic.lib.access import client_for
from clinic.lib.audit import audited
from clinic.lib.change_log import change_log, versions_of
from screening.forms import ScreeningForm
from screening.services import record_screening

# How many past versions of a screening its page shows.
HISTORY_ON_PAGE = 10


@audited("screening_form")
def screening_create(request, pk):
    client = client_for(request, pk, "screening.add_screening", changes=True)
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            screening = record_screening(
                client=client,
                by=request.user,
                answers=form.answers(),
                screened_on=form.cleaned_data["screened_on"],
                systolic=form.cleaned_data["systolic"],
                diastolic=form.cleaned_data["diastolic"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(screening)s saved.") % {"screening": screening})
            # Back to the client, whose page offers what comes next (plan, log a session).
            return redirect(client)
    return render(request, "screening/screening_form.html", {"client": client, "form": form})


@audited("screening")
def screening_detail(request, pk, screening_id):
    client = client_for(request, pk, "screening.view_screening")
    screening = get_object_or_404(client.screenings.with_answers(), pk=screening_id)
    return render(
        request,
        "screening/screening_detail.html",
        {
            "client": client,
            "screening": screening,
            "outcome": screening.outcome(),
            "changes": change_log(versions_of(screening)[:HISTORY_ON_PAGE]),
            "answer_corrections": screening.answer_corrections(),
        },
    )
