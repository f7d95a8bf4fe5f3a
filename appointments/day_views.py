"""Reception's calendar: the clinic's day and week by therapist, and the arrivals and no-shows
marked from it."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from appointments import calendar, services
from appointments.forms import CalendarForm
from appointments.models import Status
from clinic.lib.access import client_for
from clinic.lib.audit import record_each

ONE_DAY = datetime.timedelta(days=1)
# The access-log code of the calendar's pages (appointments.kinds registers it).
AUDIT_CODE = "appointment_day"


def chosen(request):
    """(form, day, therapist) from the query string; the day is None when the form refuses
    it, and the form then carries the reason."""
    form = CalendarForm(request.GET)
    if not form.is_valid():
        return form, None, None
    on, therapist = form.cleaned_data["on"], form.cleaned_data["therapist"]
    # Shown again unbound, so the day reads in the page's format whatever was typed.
    return CalendarForm(initial={"on": on, "therapist": therapist}), on, therapist


def calendar_url(name, day, therapist=None):
    query = {"on": day.isoformat(), **({"therapist": therapist.pk} if therapist else {})}
    return f"{reverse(name)}?{urlencode(query)}"


@require_GET
@permission_required("appointments.view_appointment", raise_exception=True)
def day(request):
    """One day of the clinic: a section per therapist who works that weekday or has an
    appointment that day, each appointment with its client's eligibility and next steps."""
    form, on, therapist = chosen(request)
    if on is None:
        return render(request, "appointments/day.html", {"form": form}, status=400)
    (the_day,) = calendar.days(on, on, therapist)
    calendar.with_eligibility(the_day)
    # The page names each client and says whether they may be treated that day, and why not.
    record_each(request, calendar.clients_shown([the_day]), AUDIT_CODE)
    return render(
        request,
        "appointments/day.html",
        {
            "form": form,
            "day": the_day,
            "on": on,
            "today": timezone.localdate(),
            "therapist": therapist,
            "previous_url": calendar_url("appointments:day", on - ONE_DAY, therapist),
            "next_url": calendar_url("appointments:day", on + ONE_DAY, therapist),
            "today_url": calendar_url("appointments:day", timezone.localdate(), therapist),
            "week_url": calendar_url("appointments:week", on, therapist),
        },
    )


@require_GET
@permission_required("appointments.view_appointment", raise_exception=True)
def week(request):
    """The Monday-to-Sunday week holding the day asked for, each day's appointments by
    therapist, compactly."""
    form, on, therapist = chosen(request)
    if on is None:
        return render(request, "appointments/week.html", {"form": form}, status=400)
    monday = on - datetime.timedelta(days=on.weekday())
    days = calendar.days(monday, monday + 6 * ONE_DAY, therapist)
    record_each(request, calendar.clients_shown(days), AUDIT_CODE)
    seven = 7 * ONE_DAY
    return render(
        request,
        "appointments/week.html",
        {
            "form": form,
            "days": days,
            "on": on,
            "monday": monday,
            "sunday": monday + 6 * ONE_DAY,
            "today": timezone.localdate(),
            "therapist": therapist,
            "previous_url": calendar_url("appointments:week", monday - seven, therapist),
            "next_url": calendar_url("appointments:week", monday + seven, therapist),
            "this_week_url": calendar_url("appointments:week", timezone.localdate(), therapist),
            "day_url": calendar_url("appointments:day", on, therapist),
        },
    )


def back_to(request, appointment):
    """Where an action returns: the page it was taken on, else the appointment's day."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(
        calendar_url("appointments:day", timezone.localtime(appointment.starts_at).date())
    )


def mark(request, pk, appointment_id, status, done):
    client = client_for(request, pk, "appointments.change_appointment", changes=True)
    appointment = get_object_or_404(client.appointments, pk=appointment_id)
    try:
        services.change_status(appointment=appointment, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"client": client.full_name})
    return back_to(request, appointment)


@require_POST
def arrived(request, pk, appointment_id):
    return mark(request, pk, appointment_id, Status.ARRIVED, _("%(client)s has arrived."))


@require_POST
def no_show(request, pk, appointment_id):
    return mark(
        request, pk, appointment_id, Status.NO_SHOW, _("%(client)s is marked as a no-show.")
    )
