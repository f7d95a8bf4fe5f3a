"""People's names as the clinic writes them: surname, given name and (usually) a patronymic,
shown in the order of the language of the page, compared without regard to case or ё."""

from django.utils import translation


def full_name(surname, given_name, patronymic=""):
    """ "Иванова Мария Петровна" in Russian, "Maria Petrovna Ivanova" in English."""
    if translation.get_language() == "ru":
        parts = (surname, given_name, patronymic)
    else:
        parts = (given_name, patronymic, surname)
    return " ".join(part for part in parts if part)


def fold(text):
    """A name or a word of a search as compared: case-folded in Python (SQLite folds ASCII
    letters only) and with the Cyrillic yo read as ye, as most people type it."""
    return (text or "").strip().casefold().replace("\u0451", "\u0435")


def name_key(surname, given_name, patronymic=""):
    """The whole name as stored for the duplicate check and for search, surname first."""
    return " ".join(fold(part) for part in (surname, given_name, patronymic) if fold(part))
