"""The language of the pages: Russian or English, each user's own choice kept on their
account, the clinic's default otherwise; and the Russian translation kept complete."""

import datetime
import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import ngettext

from clinic.models import Condition

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"


def html_lang(response):
    page = response.content.decode()
    return page[page.index("<html lang=") + 11 :].split(">")[0].strip('"')


def test_pages_speak_the_clinics_language_to_whoever_has_not_chosen(client, reception, settings):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(reception)
    response = client.get(reverse("overview:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response) == "ru"
    assert "Клиенты" in response.content.decode()


def test_each_user_chooses_their_language_and_keeps_it(client, reception, therapist, settings):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(reception)
    response = client.post(reverse("choose_language"), {"language": "en", "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    reception.refresh_from_db()
    assert reception.language == "en"
    assert html_lang(client.get(reverse("overview:home"))) == "en"
    # Kept on the account, not the browser: a new browser signs in to English too.
    client.cookies.clear()
    client.force_login(reception)
    assert html_lang(client.get(reverse("overview:home"))) == "en"
    # Another user on the same browser gets their own (here, the clinic's).
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    client.force_login(therapist)
    assert html_lang(client.get(reverse("overview:home"))) == "ru"


def test_the_switcher_is_on_every_page_and_before_sign_in(client, reception):
    page = client.get(reverse("login")).content.decode()
    assert 'name="language" value="ru"' in page and 'name="language" value="en"' in page
    response = client.post(
        reverse("choose_language"), {"language": "ru", "next": "/accounts/login/"}
    )
    assert html_lang(client.get(reverse("login"))) == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    client.force_login(reception)
    assert 'name="language" value="en"' in client.get(reverse("overview:home")).content.decode()


@pytest.mark.parametrize(
    ("language", "next_url"), [("de", "/clients/"), ("en", "https://evil.example/"), ("", "")]
)
def test_the_switcher_refuses_what_it_does_not_offer(client, reception, language, next_url):
    client.force_login(reception)
    response = client.post(reverse("choose_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")
    reception.refresh_from_db()
    assert reception.language in ("", "en")
    if language != "en":
        assert reception.language == ""


def test_the_catalogues_are_kept_in_both_languages(db):
    hernia = Condition.objects.get(icd10="M51")
    assert (hernia.name_en, hernia.name_ru) == (
        "Intervertebral disc hernia",
        "Грыжа межпозвонкового диска",
    )


def test_the_russian_translation_is_complete_and_compiled():
    catalogue = polib.pofile(CATALOGUE / "django.po")
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], "untranslated entries in locale/ru"
    assert fuzzy == [], "fuzzy entries in locale/ru: check and clear the flag"
    # The committed .mo is what a fresh clone shows (no gettext needed): it must say what the
    # .po says, every entry.
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        shown = gettext.GNUTranslations(compiled)

    def compiled_text(entry):
        if entry.msgid_plural:
            return [shown.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
        if entry.msgctxt:
            return shown.pgettext(entry.msgctxt, entry.msgid)
        return shown.gettext(entry.msgid)

    def written_text(entry):
        if entry.msgid_plural:
            return [entry.msgstr_plural[index] for index in (0, 1, 2)]
        return entry.msgstr

    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if compiled_text(entry) != written_text(entry)
    ]
    assert stale == [], "locale/ru/LC_MESSAGES/django.mo is older than the .po: run make messages"


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "Запланирован 1 сеанс."),
        (2, "Запланировано 2 сеанса."),
        (4, "Запланировано 4 сеанса."),
        (5, "Запланировано 5 сеансов."),
        (11, "Запланировано 11 сеансов."),
        (21, "Запланирован 21 сеанс."),
        (22, "Запланировано 22 сеанса."),
        (25, "Запланировано 25 сеансов."),
        (111, "Запланировано 111 сеансов."),
    ],
)
def test_counts_take_the_russian_plural_forms(count, words):
    # The course's line in the client's history (sessions_app/kinds.py).
    with translation.override("ru"):
        text = ngettext("%(count)s session planned.", "%(count)s sessions planned.", count)
    assert text % {"count": count} == words


def test_month_names_are_in_the_genitive_in_russian_dates():
    with translation.override("ru"):
        assert formats.date_format(datetime.date(2026, 11, 26), "DATE_FORMAT") == "26 ноября 2026"
        assert formats.date_format(datetime.date(2026, 3, 8), "DATE_FORMAT") == "8 марта 2026"
        assert formats.date_format(datetime.date(2026, 11, 26), "SHORT_DATE_FORMAT") == "26.11.2026"
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 26), "DATE_FORMAT") == "26 November 2026"
