"""Reception's booking pages, opened from a client's course: one session, or the remaining ones
as a series previewed first; moving a booked appointment, cancelling one with who cancelled, and
rebooking a cancelled or missed one at the therapist's next free times. Every booking goes
through appointments.services, which refuses a clash, the hours or an absence with the reason;
a refused form is shown again with every reason, and nothing is stored."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from appointments import series as series_rules
from appointments import services
from appointments.calendar import who_treats
from appointments.day_views import calendar_url
from appointments.forms import (
    BookingForm,
    CancelForm,
    MoveForm,
    SeriesRuleForm,
    SlotFormSet,
    WhenForm,
)
from appointments.models import Status
from clinic import roles
from clinic.lib.access import client_for
from clinic.lib.audit import audited
from sessions_app.models import Course

# How many free times are offered to choose from.
OFFERED = 6
# A course still takes appointments while it is planned or under way.
OPEN = (Course.Status.PLANNED, Course.Status.ACTIVE)


def posted(request):
    return request.POST if request.method == "POST" else None


def day_page(day):
    """The clinic's day (appointments:day) holding `day`."""
    return calendar_url("appointments:day", day)


def local_day(moment):
    return timezone.localtime(moment).date()


def when(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def course_of(request, pk, course_id):
    """The client's course, for a user who may book."""
    client = client_for(request, pk, "appointments.add_appointment", changes=True)
    course = get_object_or_404(client.courses.select_related("therapist"), pk=course_id)
    return client, course


def refused_as_closed(request, course):
    """A course that is completed or cancelled takes no appointments: back to it, saying so."""
    if course.status in OPEN:
        return None
    messages.error(
        request,
        _(
            "This course is %(status)s and takes no more appointments. Plan a new course to "
            "book further sessions."
        )
        % {"status": course.get_status_display().lower()},
    )
    return redirect(course)


def nothing_left(request, course):
    messages.info(
        request,
        _("Every session of this course is already logged or booked; there is nothing to book."),
    )
    return redirect(course)


def appointment_of(request, pk, appointment_id, perm):
    client = client_for(request, pk, perm, changes=True)
    appointment = get_object_or_404(
        client.appointments.select_related("therapist", "room", "course"), pk=appointment_id
    )
    return client, appointment


def free_times(therapist, length, room=None):
    if therapist is None:
        return []
    return series_rules.free_times(
        therapist, after=timezone.now(), length=length, count=OFFERED, room=room
    )


def refuse(form, error):
    """Every reason the service gave, on the form (nothing was stored)."""
    for message in error.messages:
        form.add_error(None, message)


def chosen_time(request):
    """A free time picked from the list (?on=2026-11-30&at=10:00), as the form's first values;
    anything else in the address is ignored."""
    values = {}
    with contextlib.suppress(ValueError):
        values["day"] = datetime.date.fromisoformat(request.GET.get("on", ""))
    with contextlib.suppress(ValueError):
        values["time"] = datetime.time.fromisoformat(request.GET.get("at", ""))
    return values


def chosen_therapist(request, default):
    """The therapist picked with a free time (?therapist=ID), if they see clients."""
    pk = request.GET.get("therapist", "")
    if pk.isascii() and pk.isdigit() and len(pk) < 10:
        return who_treats().filter(pk=int(pk)).first() or default
    return default


def picked(form, name, default):
    """A value the person sent, when the form read it; else `default`."""
    data = getattr(form, "cleaned_data", {})
    return data.get(name) or default


@audited("appointment_form")
@require_http_methods(["GET", "POST"])
def book(request, pk, course_id):
    """One appointment for a session of the course, at a time typed or picked from the
    therapist's next free times."""
    client, course = course_of(request, pk, course_id)
    if refusal := refused_as_closed(request, course):
        return refusal
    numbers = series_rules.remaining_numbers(course)
    if not numbers:
        return nothing_left(request, course)
    length = services.default_length(course)
    therapist = chosen_therapist(request, course.therapist)
    form = BookingForm(
        posted(request),
        numbers=numbers,
        may_override=roles.is_clinic_admin(request.user),
        initial={
            "therapist": therapist,
            "minutes": int(length.total_seconds() // 60),
            "session_number": numbers[0],
            **chosen_time(request),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.book(
                client=client,
                therapist=data["therapist"],
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                room=data.get("room"),
                course=course,
                session_number=data["session_number"],
                notes=data["notes"],
                override_reason=data.get("override_reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("Session %(number)s is booked for %(when)s with %(therapist)s.")
                % {
                    "number": appointment.session_number,
                    "when": when(appointment.starts_at),
                    "therapist": appointment.therapist,
                },
            )
            return redirect(course)
    # After a refusal, the free times of the therapist and length the person chose.
    therapist = picked(form, "therapist", therapist)
    minutes = picked(form, "minutes", None)
    return render(
        request,
        "appointments/book.html",
        {
            "client": client,
            "course": course,
            "numbers": numbers,
            "form": form,
            "therapist": therapist,
            "free": free_times(
                therapist,
                datetime.timedelta(minutes=minutes) if minutes else length,
                picked(form, "room", None),
            ),
            "horizon": series_rules.HORIZON,
        },
    )


@audited("appointment_form")
@require_http_methods(["GET", "POST"])
def series(request, pk, course_id):
    """The course's remaining sessions from a rule. "Preview" lists the slots with their
    problems, each day and time changeable; "Book" checks them again and books them all or
    none."""
    client, course = course_of(request, pk, course_id)
    if refusal := refused_as_closed(request, course):
        return refusal
    numbers = series_rules.remaining_numbers(course)
    if not numbers:
        return nothing_left(request, course)
    rule = SeriesRuleForm(
        posted(request),
        initial={"therapist": course.therapist, "first_day": timezone.localdate()},
    )
    slots, formset, refused = None, None, []
    if request.method == "POST" and rule.is_valid():
        data = rule.cleaned_data
        sent = SlotFormSet(request.POST, prefix="slot")
        if request.POST.get("action") == "book" and sent.forms:
            formset = sent
            if formset.is_valid():
                chosen = [slot_of(form, course) for form in formset.forms]
                try:
                    check_numbers(chosen, numbers)
                    booked = series_rules.book_series(
                        course,
                        chosen,
                        therapist=data["therapist"],
                        room=data.get("room"),
                        by=request.user,
                    )
                except ValidationError as error:
                    refused = error.messages
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s session booked.", "%(count)s sessions booked.", len(booked)
                        )
                        % {"count": len(booked)},
                    )
                    return redirect(course)
            # The slots as sent, each checked again (a day typed wrong shows on its field).
            slots = [
                series_rules.check(
                    slot_of(form, course), course, data["therapist"], data.get("room")
                )
                if form.is_valid()
                else None
                for form in formset.forms
            ]
        else:
            slots = series_rules.preview(
                course,
                therapist=data["therapist"],
                start_on=data["first_day"],
                at=data["time"],
                room=data.get("room"),
                weekdays=data["weekdays"] or None,
                every_days=data["every_days"],
            )
            formset = SlotFormSet(
                prefix="slot",
                initial=[
                    {
                        "session_number": s.session_number,
                        "day": local_day(s.starts_at),
                        "time": timezone.localtime(s.starts_at).time(),
                    }
                    for s in slots
                ],
            )
    return render(
        request,
        "appointments/series.html",
        {
            "client": client,
            "course": course,
            "rule": rule,
            "numbers": numbers,
            "rows": list(zip(formset.forms, slots, strict=True)) if slots is not None else None,
            "formset": formset,
            "problems": sum(1 for s in slots or [] if s is None or not s.free),
            "refused": refused,
        },
    )


def slot_of(form, course):
    starts_at = form.starts_at()
    return series_rules.Slot(
        form.cleaned_data["session_number"], starts_at, starts_at + services.default_length(course)
    )


def check_numbers(chosen, numbers):
    """The previewed sessions are still the ones left to book (another booking may have come
    between the preview and the booking)."""
    wanted = [slot.session_number for slot in chosen]
    if len(set(wanted)) != len(wanted) or not set(wanted) <= set(numbers):
        raise ValidationError(
            _("The sessions left to book have changed since the preview; preview them again."),
            code="numbers_changed",
        )


@audited("appointment_form")
@require_http_methods(["GET", "POST"])
def move(request, pk, appointment_id):
    """A booked appointment to another time or room, before the client arrives."""
    client, appointment = appointment_of(
        request, pk, appointment_id, "appointments.change_appointment"
    )
    if appointment.status != Status.BOOKED:
        messages.error(
            request,
            _("Only a booked appointment is moved; this one is %(status)s.")
            % {"status": appointment.get_status_display().lower()},
        )
        return redirect(day_page(local_day(appointment.starts_at)))
    start = timezone.localtime(appointment.starts_at)
    form = MoveForm(
        posted(request),
        may_override=roles.is_clinic_admin(request.user),
        initial={
            "day": start.date(),
            "time": start.time(),
            "room": appointment.room,
            **chosen_time(request),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.move(
                appointment=appointment,
                starts_at=form.starts_at(),
                # Where the clinic has no rooms in use, the field is not shown: the room stays.
                room=data["room"] if "room" in form.fields else appointment.room,
                override_reason=data.get("override_reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("The appointment is moved to %(when)s.") % {"when": when(moved.starts_at)},
            )
            return redirect(day_page(local_day(moved.starts_at)))
    return render(
        request,
        "appointments/move.html",
        {
            "client": client,
            "appointment": appointment,
            "form": form,
            "therapist": appointment.therapist,
            "free": free_times(
                appointment.therapist,
                appointment.ends_at - appointment.starts_at,
                picked(form, "room", appointment.room),
            ),
            "horizon": series_rules.HORIZON,
        },
    )


@audited("appointment_form")
@require_http_methods(["GET", "POST"])
def cancel(request, pk, appointment_id):
    """A booked appointment cancelled, saying by whom; it stays in the record and its time is
    free again."""
    client, appointment = appointment_of(
        request, pk, appointment_id, "appointments.change_appointment"
    )
    if appointment.status != Status.BOOKED:
        messages.error(
            request,
            _("Only a booked appointment is cancelled; this one is %(status)s.")
            % {"status": appointment.get_status_display().lower()},
        )
        return redirect(day_page(local_day(appointment.starts_at)))
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                appointment=appointment, status=form.cleaned_data["kind"], by=request.user
            )
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("The appointment of %(when)s is cancelled; its time is free again.")
                % {"when": when(appointment.starts_at)},
            )
            return redirect(day_page(local_day(appointment.starts_at)))
    return render(
        request,
        "appointments/cancel.html",
        {"client": client, "appointment": appointment, "form": form},
    )


@audited("appointment_form")
@require_http_methods(["GET", "POST"])
def rebook(request, pk, appointment_id):
    """A new appointment for the session a cancelled or missed one was for, with the same
    therapist, room and length; the old one keeps its status and history."""
    client, appointment = appointment_of(
        request, pk, appointment_id, "appointments.add_appointment"
    )
    course = appointment.course
    if not appointment.may_be_rebooked or appointment.session_number is None:
        messages.error(
            request,
            _(
                "Only a cancelled or missed appointment for a session of a course is rebooked; "
                "this one is %(status)s."
            )
            % {"status": appointment.get_status_display().lower()},
        )
        return redirect(course or client)
    if refusal := refused_as_closed(request, course):
        return refusal
    if appointment.session_number not in series_rules.remaining_numbers(course):
        messages.error(
            request,
            _(
                "Session %(number)s of this course is already booked again or logged; "
                "there is nothing to rebook."
            )
            % {"number": appointment.session_number},
        )
        return redirect(course)
    form = WhenForm(posted(request), initial=chosen_time(request))
    length = appointment.ends_at - appointment.starts_at
    if request.method == "POST" and form.is_valid():
        try:
            new = services.book(
                client=client,
                therapist=appointment.therapist,
                starts_at=form.starts_at(),
                ends_at=form.starts_at() + length,
                room=appointment.room,
                course=course,
                session_number=appointment.session_number,
                notes=appointment.notes,
                by=request.user,
            )
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("Session %(number)s is booked for %(when)s with %(therapist)s.")
                % {
                    "number": new.session_number,
                    "when": when(new.starts_at),
                    "therapist": new.therapist,
                },
            )
            return redirect(day_page(local_day(new.starts_at)))
    return render(
        request,
        "appointments/rebook.html",
        {
            "client": client,
            "appointment": appointment,
            "form": form,
            "therapist": appointment.therapist,
            "free": free_times(appointment.therapist, length, appointment.room),
            "horizon": series_rules.HORIZON,
        },
    )
