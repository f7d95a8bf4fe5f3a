"""A Russian-speaking clinic meets no English word: every main page, form error, refusal,
print view and CSV, read in Russian, holds no untranslated English; read in English, no
Cyrillic from the catalogues."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from appointments.models import Appointment, Status
from appointments.services import book
from clinic import roles
from clinic.tests.factories import ClientFactory
from conftest import user_with_role
from consent.models import Kind
from consent.services import withdraw
from consent.tests.factories import consent
from outcomes.models import MeasurePoint, When
from outcomes.tests.factories import odi, take
from screening.models import Contraindication
from screening.services import eligibility
from screening.tests.factories import screen
from sessions_app.models import Course, PlanTemplate, Technique, Zone
from sessions_app.services import add_addendum, sign_session, void_session
from sessions_app.tests.factories import course_for, log, plan_steps, treatable_client

pytestmark = pytest.mark.django_db

# What may stay in Latin letters on a Russian page: codes and formats, never words.
ALLOWED = {"ICD", "FHIR", "CSV", "PDF", "JPEG", "PNG", "LOINC", "HL7", "JSON", "SVG", "SHA"}
# The questionnaires' own abbreviations, as colleagues and insurers name them in Russian too.
ALLOWED |= {"ODI", "RMDQ", "PSFS", "STarT", "Back"}
CODES = re.compile(
    r"\b(?:[A-Z]\d{2}(?:\.\d{1,2})?"  # ICD-10: M42, M51.1
    r"|C-\d+"  # record numbers
    r"|[LS]\d(?:-[LS]\d)?"  # vertebrae: L4-L5
    r"|[\w.+-]+@[\w.-]+"  # e-mail addresses
    r"|[0-9a-f]{64})"  # SHA-256 hashes of signed consents
    r"|\{[a-z_]+\}"  # a consent text's placeholders: {client}
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


class VisibleText(HTMLParser):
    """The words a person reads: text and the attributes read aloud or shown, outside
    scripts, styles, and parts marked as another language (the switcher's "English")."""

    SKIPPED = {"script", "style", "template"}  # a <template> is not shown
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.stack = []
        self.words = []

    def skipping(self):
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang") not in (None, self.language)
        if not self.skipping() and not other_language:
            self.words += [attrs[name] or "" for name in self.READ_ATTRIBUTES & attrs.keys()]
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.words.append(attrs.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, tag in self.SKIPPED or other_language))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.skipping():
            self.words.append(data)


def visible_text(html, language="ru"):
    parser = VisibleText(language)
    parser.feed(html)
    # The <title> is read too, and the charts' words (axes, titles, descriptions).
    return " ".join(parser.words)


def english_in(text):
    return sorted({w for w in LATIN_WORD.findall(CODES.sub(" ", text)) if w not in ALLOWED})


@pytest.fixture
def russian_staff(db):
    staff = {}
    for username, role, (last, first) in [
        ("registrator", roles.RECEPTION, ("Смирнова", "Ольга")),
        ("massazhist", roles.THERAPIST, ("Волкова", "Марина")),
        ("admin-kliniki", roles.CLINIC_ADMIN, ("Орлов", "Сергей")),
    ]:
        user = user_with_role(username, role)
        user.last_name, user.first_name, user.language = last, first, "ru"
        user.save()
        staff[role] = user
    return staff


@pytest.fixture
def history(russian_staff):
    """A client with one of each record, all written in Russian."""
    therapist = russian_staff[roles.THERAPIST]
    client = treatable_client(
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        complaint="Боль в пояснице к вечеру.",
        occupation="Бухгалтер",
        registered_by=russian_staff[roles.RECEPTION],
    )
    client.referral_notes.update(specialist_name="Петров И. В.", diagnosis="Остеохондроз")
    client.screenings.update(notes="")
    course = course_for(client, by=therapist)
    Course.objects.filter(pk=course.pk).update(goal="Меньше боли сидя на работе.")
    course.refresh_from_db()
    signed = sign_session(session=log(course, days_ago=6), by=therapist)
    add_addendum(session=signed, by=therapist, text="Клиентка позвонила: боль уменьшилась.")
    void_session(session=log(course, days_ago=4), by=therapist, reason="Внесён дважды.")
    draft = log(course, days_ago=2)
    signed_consent = consent(client, language="ru", days_ago=50, by=therapist)
    data_consent = consent(client, kind=Kind.PERSONAL_DATA, language="ru", days_ago=50)
    withdraw(
        consent=data_consent,
        withdrawn_on=timezone.localdate(),
        withdrawn_by="Иванова М. П.",
        reason="Переезжает.",
        by=therapist,
    )
    # Questionnaires: a baseline pain score taken, an ODI and a pain score due, and an ODI
    # entered, then corrected.
    client.language = "ru"
    client.save()
    for instrument, when, number in [
        ("odi", When.BASELINE, None),
        ("pain", When.BASELINE, None),
        ("pain", When.AFTER_SESSION, 1),
        ("odi", When.DISCHARGE, None),
    ]:
        MeasurePoint.objects.create(
            template=course.template, instrument=instrument, when=when, session_number=number
        )
    entered = take(course, therapist, odi(20))
    take(
        course,
        therapist,
        odi(15),
        replaces=entered,
        correction_reason="Перепутаны разделы.",
    )
    answered = take(course, therapist, {"pain_now": 6}, instrument="pain")
    # An appointment tomorrow, booked by a clinic admin outside any hours kept yet.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    book(
        client=client,
        therapist=therapist,
        course=course,
        session_number=4,
        starts_at=timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10))),
        by=russian_staff[roles.CLINIC_ADMIN],
        override_reason="Часы работы ещё не внесены.",
    )
    # One arrived an hour ago, its session still to log; one cancelled, to rebook.
    for status, number, moment in [
        (Status.ARRIVED, 5, timezone.now() - datetime.timedelta(hours=1)),
        (Status.CANCELLED_BY_CLIENT, 6, timezone.now() + datetime.timedelta(days=1, hours=2)),
    ]:
        Appointment.objects.create(
            client=client,
            therapist=therapist,
            course=course,
            session_number=number,
            starts_at=moment,
            ends_at=moment + datetime.timedelta(minutes=40),
            status=status,
            booked_by=therapist,
        )
    # The factories' other staff (who recorded a note, who screened) get Russian names too.
    get_user_model().objects.filter(language="").update(first_name="Анна", last_name="Кузнецова")
    return {
        "client": client,
        "course": course,
        "signed": signed,
        "draft": draft,
        "consent": signed_consent,
        "response": answered,
    }


def pages(history, staff):
    client, course, signed = history["client"], history["course"], history["signed"]
    consented, answered = history["consent"], history["response"]
    due = MeasurePoint.objects.get(instrument="pain", when=When.AFTER_SESSION)
    odi = MeasurePoint.objects.get(instrument="odi", when=When.DISCHARGE)
    booked, arrived, cancelled = (
        client.appointments.get(status=status)
        for status in (Status.BOOKED, Status.ARRIVED, Status.CANCELLED_BY_CLIENT)
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    signing = reverse("consent:sign", args=[client.pk])
    details = {
        "kind": "treatment",
        "language": "ru",
        "signed_by": "representative",
        "representative_name": "Иванов П. С.",
        "representative_relationship": "сын",
        "massage_type": "classic",
    }
    return [
        (staff[roles.RECEPTION], reverse("overview:home")),
        (staff[roles.THERAPIST], reverse("overview:home")),
        (staff[roles.CLINIC_ADMIN], reverse("overview:home")),
        (staff[roles.RECEPTION], reverse("overview:client_list")),
        (staff[roles.THERAPIST], client.get_absolute_url()),
        (staff[roles.RECEPTION], client.get_absolute_url()),
        (staff[roles.THERAPIST], reverse("overview:client_print", args=[client.pk])),
        (staff[roles.RECEPTION], reverse("clinic:client_create")),
        (staff[roles.RECEPTION], reverse("clinic:client_edit", args=[client.pk])),
        (staff[roles.RECEPTION], reverse("clinic:referral_create", args=[client.pk])),
        (staff[roles.RECEPTION], client.referral_notes.first().get_absolute_url()),
        (staff[roles.THERAPIST], reverse("screening:create", args=[client.pk])),
        (staff[roles.THERAPIST], client.screenings.first().get_absolute_url()),
        (staff[roles.THERAPIST], reverse("sessions_app:course_create", args=[client.pk])),
        (staff[roles.THERAPIST], course.get_absolute_url()),
        (staff[roles.THERAPIST], signed.get_absolute_url()),
        (staff[roles.THERAPIST], history["draft"].get_absolute_url()),
        (
            staff[roles.THERAPIST],
            reverse("sessions_app:session_create", args=[client.pk, course.pk]),
        ),
        (staff[roles.CLINIC_ADMIN], reverse("overview:sessions_export")),
        (staff[roles.THERAPIST], reverse("appointments:my_calendar")),
        (staff[roles.CLINIC_ADMIN], reverse("appointments:figures")),
        (staff[roles.RECEPTION], f"{reverse('appointments:day')}?on={tomorrow.isoformat()}"),
        (staff[roles.RECEPTION], reverse("appointments:week")),
        (staff[roles.RECEPTION], reverse("appointments:book", args=[client.pk, course.pk])),
        (staff[roles.RECEPTION], reverse("appointments:series", args=[client.pk, course.pk])),
        (
            staff[roles.RECEPTION],
            reverse("appointments:series", args=[client.pk, course.pk]),
            {
                "action": "preview",
                "therapist": course.therapist_id,
                "first_day": tomorrow.strftime("%d.%m.%Y"),
                "time": "10:00",
                "every_days": "2",
            },
        ),
        (staff[roles.RECEPTION], reverse("appointments:move", args=[client.pk, booked.pk])),
        (staff[roles.RECEPTION], reverse("appointments:cancel", args=[client.pk, booked.pk])),
        (staff[roles.RECEPTION], reverse("appointments:rebook", args=[client.pk, cancelled.pk])),
        (staff[roles.THERAPIST], reverse("appointments:log_session", args=[client.pk, arrived.pk])),
        (staff[roles.THERAPIST], reverse("outcomes:tablet", args=[client.pk, course.pk, due.pk])),
        (
            staff[roles.THERAPIST],
            reverse("outcomes:tablet", args=[client.pk, course.pk, due.pk]) + "?screen=1",
        ),
        (staff[roles.THERAPIST], reverse("outcomes:done", args=[client.pk, course.pk])),
        (staff[roles.THERAPIST], reverse("outcomes:paper", args=[client.pk, course.pk, odi.pk])),
        (staff[roles.THERAPIST], history["response"].get_absolute_url()),
        (staff[roles.THERAPIST], reverse("outcomes:correct", args=[client.pk, answered.pk])),
        (staff[roles.RECEPTION], reverse("password_change")),
        (staff[roles.RECEPTION], reverse("consent:take", args=[client.pk])),
        # The signing pages, once the details are chosen (posted to the first page).
        (staff[roles.THERAPIST], signing, {**details, "method": "screen"}),
        (staff[roles.RECEPTION], signing, {**details, "method": "paper"}),
        (staff[roles.RECEPTION], consented.get_absolute_url()),
        (staff[roles.RECEPTION], reverse("consent:print", args=[client.pk, consented.pk])),
        (staff[roles.THERAPIST], reverse("consent:withdraw", args=[client.pk, consented.pk])),
        # The back office, in Django's own Russian and the clinic's.
        (staff[roles.CLINIC_ADMIN], reverse("admin:index")),
        (staff[roles.CLINIC_ADMIN], reverse("admin:clinic_client_changelist")),
        (staff[roles.CLINIC_ADMIN], reverse("admin:clinic_client_change", args=[client.pk])),
        (staff[roles.CLINIC_ADMIN], reverse("admin:clinic_accesslog_changelist")),
        (
            staff[roles.CLINIC_ADMIN],
            reverse("admin:screening_screening_change", args=[client.screenings.first().pk]),
        ),
        (staff[roles.CLINIC_ADMIN], reverse("admin:sessions_app_session_changelist")),
        (staff[roles.CLINIC_ADMIN], reverse("admin:sessions_app_technique_changelist")),
        (staff[roles.CLINIC_ADMIN], reverse("admin:consent_consenttext_changelist")),
        (
            staff[roles.CLINIC_ADMIN],
            reverse("admin:consent_consenttext_change", args=[consented.text_id]),
        ),
        (staff[roles.CLINIC_ADMIN], reverse("admin:consent_consent_changelist")),
        (staff[roles.CLINIC_ADMIN], reverse("admin:consent_consent_change", args=[consented.pk])),
    ]


def test_every_main_page_in_russian_has_no_english_word(client, history, russian_staff):
    found = {}
    for user, url, *details in pages(history, russian_staff):
        client.force_login(user)
        if details:
            client.post(reverse("consent:take", args=[history["client"].pk]), details[0])
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="ru"' in page, url
        words = english_in(visible_text(page))
        if url.startswith("/admin/"):
            # Django's admin writes alt="True" / "False" on its yes/no icons, untranslated.
            words = [word for word in words if word not in ("True", "False")]
        if words:
            found[url] = words
    # The check reads the words a person reads: the same page in English is full of them.
    user, url = pages(history, russian_staff)[4][:2]
    user.language = "en"
    user.save()
    client.force_login(user)
    assert len(english_in(visible_text(client.get(url).content.decode(), "en"))) > 50
    assert found == {}, "untranslated English on the Russian pages:\n" + "\n".join(
        f"{url}: {' '.join(words)}" for url, words in found.items()
    )


def test_the_sign_in_page_speaks_the_clinics_language_not_the_browsers(client, settings):
    settings.LANGUAGE_CODE = "ru"  # the clinic's default (CLINIC_LANGUAGE); tests run in English
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert '<html lang="ru">' in page
    assert english_in(visible_text(page)) == []


def test_form_errors_in_russian_name_what_to_fix(client, russian_staff):
    client.force_login(russian_staff[roles.RECEPTION])
    response = client.post(
        reverse("clinic:client_create"),
        {"last_name": "Иванова", "date_of_birth": "31.02.1979", "phone": "позвоните мне"},
    )
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert english_in(text) == []
    errors = response.context["form"].errors
    assert "номер" in " ".join(errors["phone"]).lower()
    assert {"first_name", "date_of_birth", "phone", "sex"} <= errors.keys()


def refusal_messages(course, **kwargs):
    with pytest.raises(ValidationError) as refusal:
        log(course, **kwargs)
    return refusal.value.messages


def test_the_refusals_of_log_session_are_in_russian(history):
    course = history["course"]
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CANCELLED)
    course.refresh_from_db()
    steps = plan_steps(course)
    steps[0] = {**steps[0], "technique": Technique.objects.get(code="kneading"), "repetitions": 5}
    steps[3] = {**steps[3], "zone": Zone.objects.get(code="kidney_area"), "intensity": 3}
    with translation.override("ru"):
        messages = refusal_messages(course, steps=steps, pain_after=12, days_ago=-1)
    assert len(messages) >= 4
    for message in messages:
        assert english_in(message) == [], message
        assert CYRILLIC.search(message), message


def test_the_eligibility_reasons_are_in_russian(russian_staff):
    nobody_cleared = ClientFactory(last_name="Сидоров", first_name="Пётр")
    screen(nobody_cleared, found=["hypertension"], pressure=(160, 100))
    consent(nobody_cleared, kind=Kind.REFUSAL, language="ru", days_ago=1)
    with translation.override("ru"):
        decision = eligibility(nobody_cleared, timezone.localdate())
        reasons = [str(reason) for reason in decision.reasons]
    assert reasons
    for reason in reasons:
        assert english_in(reason) == [], reason


def test_the_csv_exports_in_russian_have_russian_headers(client, history, russian_staff):
    client.force_login(russian_staff[roles.THERAPIST])
    client_page = history["client"].get_absolute_url()
    links = re.findall(r'href="([^"]+\.csv)"', client.get(client_page).content.decode())
    assert links
    for link in links:
        response = client.get(link)
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        assert len(rows) > 1, link
        for row in rows:  # the header, and the words in the rows (states, stages, catalogues)
            assert english_in(" ".join(row)) == [], (link, row)


def test_the_catalogues_follow_the_language(client, history, russian_staff):
    client.force_login(russian_staff[roles.THERAPIST])
    stroking = Technique.objects.get(code="stroking")
    item = Contraindication.objects.get(code="tuberculosis")
    template = PlanTemplate.objects.get(massage_type="classic")
    with translation.override("ru"):
        assert (stroking.name, item.name) == ("Поглаживание", "Туберкулёз")
        assert template.name.startswith("Классический массаж")
    with translation.override("en"):
        assert (stroking.name, item.name) == ("Stroking", "Tuberculosis")
    russian_staff[roles.THERAPIST].language = "en"
    russian_staff[roles.THERAPIST].save()
    page = client.get(history["course"].get_absolute_url()).content.decode()
    catalogue_words = {"Поглаживание", "Туберкулёз", "Поясничная", "Классический"}
    assert not [w for w in catalogue_words if w in page]
    assert "Stroking" in page
