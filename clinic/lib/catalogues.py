"""What the catalogues kept in both languages (each app's translation.py) share."""

from django.conf import settings
from django.utils import translation
from simple_history.models import HistoricalRecords


def translated_fields(*names):
    """The columns django-modeltranslation adds for these fields, one per language."""
    return [f"{name}_{code}" for name in names for code, _ in settings.LANGUAGES]


class CatalogueHistory(HistoricalRecords):
    """The change history of a catalogue kept in both languages. It keeps the original
    columns, read in the default language (English) whoever saves: read in the saver's
    language, a save from a Russian page would look like a rename. The translations are
    left out (django-modeltranslation adds them after the history's table is made)."""

    def __init__(self, *fields, **options):
        super().__init__(excluded_fields=translated_fields(*fields), **options)

    def create_historical_record(self, instance, history_type, using=None):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().create_historical_record(instance, history_type, using)
