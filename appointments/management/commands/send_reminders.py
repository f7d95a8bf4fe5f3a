import datetime

from django.core.management.base import BaseCommand, CommandError

from appointments.reminders import send_reminders, tomorrow


class Command(BaseCommand):
    help = (
        "E-mail tomorrow's appointment reminders to the clients who agreed to them (run it from "
        "cron once a day). Safe to run again: a reminder goes out once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The appointments' day, YYYY-MM-DD (default: tomorrow).")

    def handle(self, *args, day, **options):
        try:
            day = datetime.date.fromisoformat(day) if day else tomorrow()
        except ValueError:
            raise CommandError(f"--day takes a date as YYYY-MM-DD, not {day!r}.") from None
        sent = send_reminders(day)
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent for {day:%Y-%m-%d}."))
