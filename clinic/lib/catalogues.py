"""What the catalogues kept in both languages (each app's translation.py) share."""

from django.conf import settings


def translated_fields(*names):
    """The columns django-modeltranslation adds for these fields, one per language: a model's
    change history leaves them out (its table is made before they exist) and keeps the
    original column; the back office shows them side by side."""
    return [f"{name}_{code}" for name in names for code, _ in settings.LANGUAGES]
