"""The forms of the clinic's day: which day and therapist the calendar shows, booking one
appointment or a course's series, moving, cancelling and rebooking."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appointments.calendar import who_treats
from appointments.models import CANCELLED, Room, Weekday
from clinic.lib.dates import DayFirstDateInput

# Booking reads days within this many years of today: further is a typing slip.
YEARS_AROUND = 5
# The calendar shows days this many years either side of today (the year 1 or 9999 would
# leave no day before or after it to link to).
CALENDAR_YEARS = 10


class TherapistChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CalendarForm(forms.Form):
    """The day (or the week holding it) and the therapist the calendar shows: today and
    everyone when not given."""

    on = forms.DateField(label=_("Day"), required=False, widget=DayFirstDateInput())
    therapist = TherapistChoice(
        label=_("Therapist"),
        queryset=who_treats(),
        required=False,
        empty_label=_("All therapists"),
    )

    def clean_on(self):
        today = timezone.localdate()
        day = self.cleaned_data["on"] or today
        first = today.replace(year=today.year - CALENDAR_YEARS, day=1)
        last = today.replace(year=today.year + CALENDAR_YEARS, day=1)
        if not first <= day <= last:
            raise forms.ValidationError(
                gettext("Choose a day between %(first)s and %(last)s.")
                % {
                    "first": date_format(first, "SHORT_DATE_FORMAT"),
                    "last": date_format(last, "SHORT_DATE_FORMAT"),
                },
                code="out_of_range",
            )
        return day


def within_reach(day):
    """A day of the clinic's calendar, or a typing slip ("2062" for "2026") refused with why."""
    if day and abs((day - timezone.localdate()).days) > YEARS_AROUND * 366:
        raise forms.ValidationError(
            _("Choose a day within %(years)s years of today."),
            code="too_far",
            params={"years": YEARS_AROUND},
        )
    return day


def time_field():
    return forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"placeholder": "10:00"}, format="%H:%M"),
    )


class WhenForm(forms.Form):
    """A day and a time of day, read as the clinic's local time."""

    day = forms.DateField(label=_("Day"), widget=DayFirstDateInput())
    time = time_field()

    def clean_day(self):
        return within_reach(self.cleaned_data["day"])

    def starts_at(self):
        moment = datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        return timezone.make_aware(moment)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time") and self.starts_at() < timezone.now():
            raise forms.ValidationError(
                _("This time has passed; choose a time from now on."), code="past"
            )
        return cleaned


def add_room(form):
    """The room to book, where the clinic has rooms at all (none: the field is not shown)."""
    rooms = Room.objects.filter(is_active=True)
    if rooms.exists():
        form.fields["room"] = forms.ModelChoiceField(
            label=_("Room"), queryset=rooms, required=False, empty_label=_("No room")
        )


def add_override(form, may_override):
    """The reason for booking outside the hours or during an absence: clinic admins only."""
    if may_override:
        form.fields["override_reason"] = forms.CharField(
            label=_("Reason for booking outside the hours"),
            required=False,
            max_length=200,
            help_text=_(
                "Clinic admins only: fill in to book outside the hours or during an absence; "
                "leave empty to keep to them."
            ),
        )


class BookingForm(WhenForm):
    """One appointment for a session of a course."""

    therapist = TherapistChoice(label=_("Therapist"), queryset=who_treats())
    minutes = forms.IntegerField(label=_("Length, minutes"), min_value=10, max_value=240)
    session_number = forms.TypedChoiceField(label=_("Session No."), coerce=int)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args, numbers, may_override, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_number"].choices = [(n, str(n)) for n in numbers]
        add_room(self)
        add_override(self, may_override)

    def ends_at(self):
        return self.starts_at() + datetime.timedelta(minutes=self.cleaned_data["minutes"])


class MoveForm(WhenForm):
    """A booked appointment's new time and room; its length stays."""

    def __init__(self, *args, may_override, **kwargs):
        super().__init__(*args, **kwargs)
        add_room(self)
        add_override(self, may_override)


class CancelForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who cancels"),
        choices=[(status.value, status.label) for status in CANCELLED],
        widget=forms.RadioSelect,
        help_text=_("A late cancellation is the client's, too late to offer the time to another."),
    )


class SeriesRuleForm(forms.Form):
    """The rule a course's remaining sessions are booked by: on some weekdays, or every so many
    days, from a first day, at one time."""

    therapist = TherapistChoice(label=_("Therapist"), queryset=who_treats())
    first_day = forms.DateField(label=_("From"), widget=DayFirstDateInput())
    time = time_field()
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays"),
        coerce=int,
        required=False,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    every_days = forms.IntegerField(
        label=_("Or every so many days"), min_value=1, max_value=14, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_room(self)

    def clean_first_day(self):
        day = within_reach(self.cleaned_data["first_day"])
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."), code="past")
        return day

    def clean(self):
        cleaned = super().clean()
        weekdays, every = cleaned.get("weekdays"), cleaned.get("every_days")
        if "every_days" in self.errors or "weekdays" in self.errors:
            return cleaned  # said on the field already
        if weekdays and every:
            raise forms.ValidationError(
                _("Choose either the weekdays or a number of days between sessions, not both."),
                code="rule_both",
            )
        if not weekdays and not every:
            raise forms.ValidationError(
                _("Choose the weekdays, or a number of days between sessions."), code="rule"
            )
        return cleaned


class SlotForm(WhenForm):
    """One session of a previewed series, its day and time changeable by hand."""

    session_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1000)


SlotFormSet = forms.formset_factory(SlotForm, extra=0, max_num=100, absolute_max=100)
