from django.core.management.base import BaseCommand, CommandError

from clinic.lib.backups import database_file, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded scans with a backup written by "
        "`manage.py backup`. Everything recorded since that backup is lost: stop the app first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be replaced; change nothing."
        )

    def handle(self, *args, folder, yes, dry_run, **options):
        source = database_file(folder)
        if not source.exists():
            raise CommandError(f"{source} is not there: give the folder `manage.py backup` wrote.")
        if dry_run:
            self.stdout.write(f"Would replace the database with {source}, and the scans.")
            return
        if not yes:
            answer = input(f"Replace the database with {source}? Type 'restore' to go on: ")
            if answer.strip() != "restore":
                raise CommandError("Nothing was restored.")
        try:
            restore(folder)
        except Exception as error:
            raise CommandError(f"The restore failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored from {folder}."))
