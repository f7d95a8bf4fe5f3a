"""The therapists' calendar feeds: their appointments as iCalendar (RFC 5545) for a phone's
calendar, behind a secret, revocable address, naming no more than the client's initials and
the room — a phone's calendar is no place for medical data."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from appointments.models import HOLDING, Appointment, CalendarFeed, Status

# What the feed holds: the last month and the next half-year.
PAST, AHEAD = datetime.timedelta(days=31), datetime.timedelta(days=183)


@transaction.atomic
def new_feed(therapist):
    """A new secret address for the therapist's feed; the old one stops working."""
    stop_feed(therapist)
    return CalendarFeed.objects.create(therapist=therapist, token=secrets.token_urlsafe(32))


def stop_feed(therapist):
    CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def open_feed(therapist):
    return CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).first()


def initials(client):
    return "".join(f"{name[0]}." for name in (client.first_name, client.last_name) if name)


def calendar(feed):
    """The iCalendar file of the feed's therapist, as bytes, in the therapist's language."""
    with translation.override(feed.therapist.language or settings.LANGUAGE_CODE):
        return write(feed)


def write(feed):
    now = timezone.now()
    appointments = Appointment.objects.filter(
        therapist=feed.therapist_id,
        status__in=HOLDING,
        starts_at__gte=now - PAST,
        starts_at__lt=now + AHEAD,
    ).select_related("client", "room")
    cal = Calendar()
    cal.add("prodid", "-//Clinic records//appointments//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Appointments"))
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@clinic-records")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        summary = initials(appointment.client)
        if appointment.room_id:
            summary += " · " + _("room %(room)s") % {"room": appointment.room}
            event.add("location", _("room %(room)s") % {"room": appointment.room})
        event.add("summary", summary)
        if appointment.status == Status.NO_SHOW:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
