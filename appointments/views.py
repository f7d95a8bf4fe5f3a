import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appointments.day_views import calendar_url
from appointments.feeds import calendar, new_feed, open_feed, stop_feed
from appointments.figures import attendance
from appointments.models import CalendarFeed, Status
from appointments.origin import AppointmentOrigin
from clinic.lib import second_factor
from clinic.lib.access import client_for
from clinic.lib.audit import audited
from clinic.lib.dates import DayRangeForm
from sessions_app import views as session_views


@audited("session_form")
@require_http_methods(["GET", "POST"])
def log_session(request, pk, appointment_id):
    """The session form opened from the appointment the client arrived for: prefilled from the
    plan and the appointment's time; logging the session completes the appointment."""
    client = client_for(request, pk, "sessions_app.add_session", changes=True)
    appointment = get_object_or_404(client.appointments, pk=appointment_id)
    if appointment.session_id:
        # Logged already (the form sent twice, or from another tablet): show what stands.
        messages.info(request, _("The session of this appointment is logged; here it is."))
        return redirect(appointment.session)
    if appointment.course_id is None:
        messages.error(
            request,
            _("This appointment is for no course; log the session from the client's course."),
        )
        return redirect(client)
    if appointment.status != Status.ARRIVED:
        messages.error(
            request,
            _("Mark the client's arrival before logging the session of the appointment."),
        )
        return redirect(
            calendar_url("appointments:day", timezone.localtime(appointment.starts_at).date())
        )
    return session_views.new_session_form(
        request, pk, appointment.course_id, origin=AppointmentOrigin(appointment)
    )


@require_http_methods(["GET", "POST"])
def my_calendar(request):
    """A therapist's own calendar feed: its secret address, a new one, or none."""
    # Whoever logs sessions has appointments of their own; reception books, but has none.
    if not request.user.has_perm("sessions_app.add_session"):
        raise PermissionDenied(_("Your role does not allow this."))
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            stop_feed(request.user)
            messages.success(
                request, _("The calendar feed is stopped; its address no longer works.")
            )
        else:
            new_feed(request.user)
            messages.success(
                request, _("A new address is ready; the one before it no longer works.")
            )
        return redirect("appointments:my_calendar")
    feed = open_feed(request.user)
    address = (
        request.build_absolute_uri(reverse("appointments:feed", args=[feed.token]))
        if feed
        else None
    )
    return render(request, "appointments/my_calendar.html", {"feed": feed, "address": address})


@login_not_required  # a phone's calendar cannot sign in: the secret address is the key
@never_cache
@require_GET
def calendar_feed(request, token):
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("therapist")
        .first()
    )
    if feed is None:
        raise Http404
    response = HttpResponse(calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    return response


class AttendanceForm(DayRangeForm):
    """The months of the figures: the last six by default."""

    MAX_DAYS = 3 * 365 + 1  # three years, with a leap day
    too_long = gettext_lazy("Choose at most three years at a time.")


@never_cache
@require_GET
def attendance_figures(request):
    """No-shows and late cancellations by month and therapist, for clinic admins."""
    if second_step := second_factor.clinic_admins_only(
        request, _("The appointment figures are for clinic admins.")
    ):
        return second_step
    today = timezone.localdate()
    defaults = {
        "date_from": (today - datetime.timedelta(days=182)).replace(day=1),
        "date_to": today,
    }
    form = AttendanceForm(request.GET if request.GET else None, initial=defaults)
    if request.GET and not form.is_valid():
        return render(request, "appointments/figures.html", {"form": form}, status=400)
    days = form.cleaned_data if request.GET else defaults
    return render(
        request,
        "appointments/figures.html",
        {"form": form, "lines": attendance(days["date_from"], days["date_to"]), "days": days},
    )
