from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic.lib.backups import back_up, database_file


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite's online backup, or pg_dump for "
        "PostgreSQL) and of the uploaded scans into a new folder, while the app keeps running. "
        "Bring it back with `manage.py restore FOLDER`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            help="Where to write the backup (a new folder). Default: backups/clinic-<time>.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say where the backup would go; write nothing."
        )

    def handle(self, *args, folder, dry_run, **options):
        folder = folder or f"backups/clinic-{timezone.localtime():%Y%m%d-%H%M%S}"
        if dry_run:
            self.stdout.write(f"Would write {database_file(folder)} and the scans into {folder}.")
            return
        try:
            written = back_up(folder)
        except FileExistsError:
            raise CommandError(f"{folder} exists already; choose a new folder.") from None
        except Exception as error:  # the command's user needs the cause, not a traceback
            raise CommandError(f"The backup failed: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {written} (and the scans) in {folder}.")
        )
