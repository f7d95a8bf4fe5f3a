"""The day-before reminders: an e-mail to each client who agreed to them, in the client's
language, with the time, the therapist's name and the room, and no medical data."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appointments.models import Appointment, Status
from clinic.lib.days import day_bounds


def due_reminders(day):
    """The booked appointments of `day` whose client agreed to reminders, not reminded yet."""
    start, end = day_bounds(day)
    return (
        Appointment.objects.filter(
            status=Status.BOOKED,
            starts_at__gte=start,
            starts_at__lt=end,
            reminded_at__isnull=True,
            client__reminders=True,
        )
        .exclude(client__email="")
        .select_related("client", "therapist", "room")
    )


def send_reminders(day):
    """Send the reminders of `day`'s appointments; each is marked sent in the transaction
    that sends it, so a second run (or two at once) sends none twice. Gives how many went."""
    sent = 0
    for pk in due_reminders(day).values_list("pk", flat=True):
        with transaction.atomic():
            appointment = due_reminders(day).select_for_update(of=("self",)).filter(pk=pk).first()
            if appointment is None:
                continue  # reminded meanwhile, or cancelled
            subject, body = message(appointment)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [appointment.client.email])
            Appointment.objects.filter(pk=pk).update(reminded_at=timezone.now())
            sent += 1
    return sent


def message(appointment):
    """The reminder's subject and text, in the client's language: when, with whom, where."""
    with translation.override(appointment.client.reads_in):
        start = timezone.localtime(appointment.starts_at)
        details = {
            "name": appointment.client.first_name,
            "day": date_format(start, "DATE_FORMAT"),
            "time": date_format(start, "TIME_FORMAT"),
            "therapist": appointment.therapist,
            "clinic": settings.CLINIC_NAME or _("Manual therapy clinic"),
        }
        subject = _("Your appointment on %(day)s at %(time)s") % details
        lines = [
            _("Hello, %(name)s.") % details,
            _("We expect you on %(day)s at %(time)s; your therapist is %(therapist)s.") % details,
        ]
        if appointment.room_id:
            lines.append(_("Room %(room)s.") % {"room": appointment.room})
        lines += [
            _("If you cannot come, please tell us as early as you can."),
            "",
            details["clinic"],
        ]
        return subject, "\n".join(str(line) for line in lines)


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)
