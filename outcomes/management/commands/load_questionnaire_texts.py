import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from outcomes.instruments import shipped
from outcomes.models import InstrumentText
from outcomes.wording import check


class Command(BaseCommand):
    help = (
        "Load the wording of a questionnaire the product ships without it (ODI, RMDQ, STarT "
        "Back: their texts are licensed) from a JSON file the clinic holds, for one language. "
        "Loading again replaces the wording; its history keeps the earlier one. "
        "`--skeleton` prints an empty file to fill in instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("instrument", help=f"One of: {', '.join(shipped())}.")
        parser.add_argument(
            "language", help=f"One of: {', '.join(code for code, _ in settings.LANGUAGES)}."
        )
        parser.add_argument("file", nargs="?", help="The JSON file with the wording.")
        parser.add_argument(
            "--skeleton",
            action="store_true",
            help="Print a file with every item and answer to fill in, and load nothing.",
        )

    def handle(self, *args, instrument, language, file, skeleton, **options):
        definition = shipped().get(instrument)
        if definition is None:
            raise CommandError(
                f"No questionnaire {instrument!r}; choose one of: {', '.join(shipped())}."
            )
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"No language {language!r} in this clinic's LANGUAGES.")
        if skeleton:
            self.stdout.write(json.dumps(empty_wording(definition), ensure_ascii=False, indent=2))
            return
        if not file:
            raise CommandError("Name the JSON file to load, or ask for --skeleton.")
        try:
            raw = Path(file).read_bytes()
            texts = json.loads(raw.decode("utf-8-sig"))  # a BOM from a text editor is fine
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not UTF-8 JSON: {error}.") from None
        try:
            check(definition, texts)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        InstrumentText.objects.update_or_create(
            instrument=instrument,
            language=language,
            defaults={"texts": texts, "sha256": hashlib.sha256(raw).hexdigest()},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the {language} wording of {definition.name('en')}: "
                f"{len(texts['items'])} items."
            )
        )


def empty_wording(definition):
    """Every part of a wording with its words left empty, for a clinic to fill in."""
    return {
        "instructions": "",
        "items": {item.id: "" for item in definition.items},
        "options": {
            item.id: {str(value): "" for value in item.values} for item in definition.items
        },
    }
