"""Print, CSV and FHIR exports, and the access log that records every look."""

import base64
import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from fhir.resources.bundle import Bundle

from clinic.models import AccessLog, Client
from sessions_app.models import Session
from sessions_app.services import void_session
from sessions_app.tests.factories import course_for, log, treatable_client


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    return Client.objects.all()


def fetch(client, user, url, **params):
    user.refresh_from_db()
    client.force_login(user)
    return client.get(url, params)


def content_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


# --- FHIR ---------------------------------------------------------------------------------


def test_every_demo_client_exports_a_valid_fhir_r4_bundle(client, demo, therapist):
    for person in demo:
        response = fetch(client, therapist, reverse("overview:client_fhir", args=[person.pk]))
        assert response["Content-Type"] == "application/fhir+json"
        bundle = Bundle.parse_raw(response.content)
        kinds = [entry.resource.resource_type for entry in bundle.entry]
        assert kinds[0] == "Patient"
        assert kinds.count("ServiceRequest") == person.referral_notes.count()
        # Screenings and outcome questionnaires are both answers to a questionnaire.
        answered = person.screenings.count() + person.responses.count()
        assert kinds.count("QuestionnaireResponse") == answered
        instruments = set(person.responses.values_list("instrument", flat=True))
        assert kinds.count("Questionnaire") == len(instruments)
        assert kinds.count("Procedure") == Session.objects.filter(course__client=person).count()
        assert kinds.count("Consent") == person.consents.count()


def test_consents_are_fhir_consents_active_inactive_or_rejected(client, therapist):
    from consent.models import Kind
    from consent.services import withdraw
    from consent.tests.factories import consent

    person = treatable_client()  # consented 60 days ago
    withdraw(
        consent=person.consents.get(),
        withdrawn_on=timezone.localdate() - datetime.timedelta(days=30),
        withdrawn_by="Anna Petrova",
        reason="Moved away.",
        by=therapist,
    )
    consent(person, kind=Kind.REFUSAL, days_ago=20)
    consent(person, kind=Kind.PERSONAL_DATA, days_ago=20)
    latest = consent(
        person,
        days_ago=10,
        signed_by="representative",
        representative_name="Oleg Petrov",
        representative_relationship="son",
    )
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[person.pk]))
    Bundle.parse_raw(response.content)  # valid R4, the consents included
    consents = resources(response, "Consent")
    by_status = sorted((c["status"], c["scope"]["coding"][0]["code"]) for c in consents)
    assert by_status == [
        ("active", "patient-privacy"),
        ("active", "treatment"),
        ("inactive", "treatment"),
        ("rejected", "treatment"),
    ]
    # The one a representative signed names them; the client's own name the Patient.
    (newest,) = [c for c in consents if "display" in c["performer"][0]]
    assert newest["performer"] == [{"display": "Oleg Petrov (son)"}]
    attachment = newest["sourceAttachment"]
    assert base64.b64decode(attachment["data"]).decode() == latest.shown_text
    assert attachment["title"] == "Informed consent to medical massage (v1)"
    withdrawn = next(c for c in consents if c["status"] == "inactive")
    assert withdrawn["provision"]["period"]["end"] == str(
        timezone.localdate() - datetime.timedelta(days=30)
    )
    assert withdrawn["patient"]["reference"] == withdrawn["performer"][0]["reference"]


def resources(response, kind):
    bundle = json.loads(response.content)
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_patients_name_carries_the_patronymic(client, demo, therapist):
    petrova = demo.get(last_name="Petrova")
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[petrova.pk]))
    (patient,) = resources(response, "Patient")
    assert patient["name"] == [
        {
            "use": "official",
            "text": "Anna Sergeyevna Petrova",
            "family": "Petrova",
            "given": ["Anna", "Sergeyevna"],
        }
    ]


def test_a_not_cleared_referral_is_do_not_perform(client, demo, therapist):
    morozov = demo.get(last_name="Morozov")
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[morozov.pk]))
    (request,) = resources(response, "ServiceRequest")
    assert request["doNotPerform"] is True
    petrova = demo.get(last_name="Petrova")
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[petrova.pk]))
    assert resources(response, "ServiceRequest")[0]["doNotPerform"] is False


def test_sessions_become_procedures_with_pain_observations(client, demo, therapist):
    popova = demo.get(last_name="Popova")
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[popova.pk]))
    procedures = resources(response, "Procedure")
    assert [p["status"] for p in procedures] == ["completed"] * 3 + ["entered-in-error"]
    assert all(p["basedOn"][0]["reference"].startswith("urn:uuid:") for p in procedures)
    assert {site["text"] for site in procedures[0]["bodySite"]} >= {"Lumbar zone", "Gluteal zone"}
    # The pain before and after each session (the pain questionnaires are observations too,
    # of no procedure)
    pains = [
        o
        for o in resources(response, "Observation")
        if o["code"]["coding"][0]["code"] == "72514-3" and "partOf" in o
    ]
    assert len(pains) == 2 * len(procedures)
    assert [o["valueInteger"] for o in pains[:2]] == [5, 4]


def test_blood_pressure_is_an_observation_with_its_loinc_codes(client, demo, therapist):
    kuznetsova = demo.get(last_name="Kuznetsova")
    response = fetch(client, therapist, reverse("overview:client_fhir", args=[kuznetsova.pk]))
    (pressure,) = [
        o for o in resources(response, "Observation") if o["code"]["coding"][0]["code"] == "85354-9"
    ]
    components = {
        c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in pressure["component"]
    }
    assert components == {"8480-6": 152, "8462-4": 96}


# --- CSV ----------------------------------------------------------------------------------


def test_the_sessions_csv_reads_back_with_one_row_per_step(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    log(course, days_ago=2, pain_before=6, pain_after=4, notes='=HYPERLINK("http://x")')
    voided = log(course, days_ago=1)
    void_session(session=voided, by=therapist, reason="Twice")
    response = fetch(
        client, therapist, reverse("overview:client_csv", args=[course.client_id, "sessions"])
    )
    rows = list(csv.DictReader(io.StringIO(content_of(response))))
    steps = course.steps.count()
    assert len(rows) == 2 * steps
    assert {r["session"] for r in rows} == {"1", "2"}
    assert rows[0]["technique"] == "Gluteal stretch" and rows[0]["stage"] == "Introductory"
    assert rows[0]["pain_before"] == "6" and rows[0]["notes"] == '\'=HYPERLINK("http://x")'
    assert {r["status"] for r in rows if r["session"] == "2"} == {"Voided"}


def test_clinic_admins_export_the_whole_clinic_over_a_date_range(client, clinic_admin):
    first = course_for(treatable_client(), by=clinic_admin)
    second = course_for(treatable_client(first_name="Boris"), by=clinic_admin)
    log(first, days_ago=5)
    log(second, days_ago=1)
    today = timezone.localdate()
    url = reverse("overview:clinic_sessions_csv")
    response = fetch(
        client,
        clinic_admin,
        url,
        date_from=(today - datetime.timedelta(days=2)).isoformat(),
        date_to=today.isoformat(),
    )
    rows = list(csv.DictReader(io.StringIO(content_of(response))))
    assert {r["record_number"] for r in rows} == {second.client.record_number}
    assert AccessLog.objects.filter(view="clinic_csv", allowed=True, client=None).count() == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "swap them"),
        ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "at most a year"),
        ({"date_from": "yesterday", "date_to": "2026-01-01"}, "Enter a valid date"),
    ],
)
def test_a_bad_date_range_is_explained(client, clinic_admin, params, message):
    response = fetch(client, clinic_admin, reverse("overview:clinic_sessions_csv"), **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.exists()


# --- print --------------------------------------------------------------------------------


def test_the_print_view_holds_the_whole_record(client, demo, therapist):
    petrova = demo.get(last_name="Petrova")
    page = content_of(fetch(client, therapist, reverse("overview:client_print", args=[petrova.pk])))
    assert "Confidential medical record" in page
    assert petrova.record_number in page
    assert (
        page.count('badge text-bg-light border">Session')
        == Session.objects.filter(course__client=petrova).count()
    )
    assert "<svg" in page and "The numbers" in page


# --- who looked ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "view"),
    [
        ("overview:client_detail", [], "client_page"),
        ("overview:client_print", [], "print"),
        ("overview:client_csv", ["sessions"], "csv"),
        ("overview:client_fhir", [], "fhir"),
    ],
)
def test_every_look_is_logged_without_medical_data(client, therapist, reception, name, args, view):
    person = treatable_client()
    response = fetch(client, therapist, reverse(name, args=[person.pk, *args]))
    content_of(response)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.client, entry.view, entry.allowed) == (therapist, person, view, True)
    fields = {f.name for f in AccessLog._meta.get_fields()}
    assert fields == {"id", "at", "user", "client", "view", "allowed"}


@pytest.mark.parametrize(
    ("name", "args"), [("overview:client_csv", ["sessions"]), ("overview:client_fhir", [])]
)
def test_a_refused_export_leaves_a_refused_row(client, reception, name, args):
    person = treatable_client()
    assert fetch(client, reception, reverse(name, args=[person.pk, *args])).status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.user, entry.client, entry.allowed) == (reception, person, False)


def test_a_user_without_a_role_leaves_a_refused_row(client, no_role):
    person = treatable_client()
    assert fetch(client, no_role, person.get_absolute_url()).status_code == 403
    assert AccessLog.objects.get().allowed is False


def test_nobody_edits_or_deletes_the_access_log(client, clinic_admin, therapist):
    person = treatable_client()
    fetch(client, therapist, person.get_absolute_url())
    entry = AccessLog.objects.get()
    client.force_login(clinic_admin)
    changelist = client.get(
        reverse("admin:clinic_accesslog_changelist"), {"q": person.record_number}
    )
    assert changelist.status_code == 200 and person.record_number in changelist.content.decode()
    change = client.post(reverse("admin:clinic_accesslog_change", args=[entry.pk]), {"allowed": ""})
    assert change.status_code in (302, 403) and AccessLog.objects.get().allowed is True
    assert client.get(reverse("admin:clinic_accesslog_delete", args=[entry.pk])).status_code == 403
    assert client.get(reverse("admin:clinic_accesslog_add")).status_code == 403


def test_reception_prints_no_clinical_detail(client, demo, reception):
    petrova = demo.get(last_name="Petrova")
    response = fetch(client, reception, reverse("overview:client_print", args=[petrova.pk]))
    page = content_of(response)
    assert "Confidential medical record" in page
    assert "Pain across sessions" not in page and "→" not in page
    assert "The client rang the next day" not in page
    assert response.context["history"].pain_chart() is None
    session = response.context["history"].sessions[0]
    assert {"pain_before", "notes", "void_reason"} <= session.get_deferred_fields()


@pytest.mark.parametrize("name", ["overview:client_detail", "overview:client_print"])
def test_a_user_without_a_role_leaves_a_refused_row_on_every_view(client, no_role, name):
    person = treatable_client()
    assert fetch(client, no_role, reverse(name, args=[person.pk])).status_code == 403
    entry = AccessLog.objects.get()
    assert (entry.client, entry.allowed) == (person, False)


def test_the_clinic_wide_export_is_logged_under_each_client_it_holds(client, clinic_admin):
    shown = course_for(treatable_client(), by=clinic_admin)
    log(shown, days_ago=1)
    not_in_range = course_for(treatable_client(first_name="Boris"), by=clinic_admin)
    log(not_in_range, days_ago=20)
    today = timezone.localdate()
    response = fetch(
        client,
        clinic_admin,
        reverse("overview:clinic_sessions_csv"),
        date_from=(today - datetime.timedelta(days=3)).isoformat(),
        date_to=today.isoformat(),
    )
    content_of(response)
    rows = AccessLog.objects.filter(view="clinic_csv")
    assert {row.client for row in rows} == {shown.client, None}
    changelist = client.get(
        reverse("admin:clinic_accesslog_changelist"), {"client__id__exact": shown.client_id}
    )
    assert list(changelist.context["cl"].result_list) == list(rows.filter(client=shown.client))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_out_of_any_sane_range_is_a_message(client, clinic_admin, day):
    response = fetch(
        client, clinic_admin, reverse("overview:clinic_sessions_csv"), date_from=day, date_to=day
    )
    assert response.status_code == 400
    assert "between 1900 and a year from today" in response.content.decode()


def test_the_csv_is_readable_by_spreadsheets_and_neutralises_formulas(client, therapist):
    course = course_for(treatable_client(first_name="Анна"), by=therapist)
    log(course, notes="  =1+1")
    response = fetch(
        client, therapist, reverse("overview:client_csv", args=[course.client_id, "sessions"])
    )
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    first = next(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert first["client"].startswith("Анна") and first["notes"] == "'  =1+1"


@pytest.mark.parametrize(
    ("name", "view"),
    [("sessions_app:session_detail", "session"), ("sessions_app:course_detail", "course")],
)
def test_clinical_detail_pages_are_logged_too(client, therapist, name, view):
    course = course_for(treatable_client(), by=therapist)
    session = log(course)
    record = session if view == "session" else course
    fetch(client, therapist, reverse(name, args=[course.client_id, record.pk]))
    assert AccessLog.objects.get().view == view


def test_the_access_log_names_every_audited_view():
    # The apps register their views (clinic.lib.record_kinds, OverviewConfig); the back office
    # filters and labels the log with these names.
    assert AccessLog.VIEWS == {
        "client_page": "Client's page",
        "client_list": "Client list",
        "start_page": "Start page: the day and what needs attention",
        "print": "Printable record",
        "csv": "Sessions CSV",
        "fhir": "FHIR export",
        "clinic_csv": "Clinic-wide sessions CSV",
        "referral": "Referral note",
        "scan": "Scan of a referral letter",
        "screening": "Screening",
        "consent": "Consent",
        "consent_print": "Printed consent",
        "consent_file": "Signature or scan of a consent",
        "consent_form": "Consent form",
        "consent_withdraw": "Withdrawal of consent",
        "course": "Course",
        "session": "Session",
        "client_form": "Client's edit form",
        "referral_form": "Referral note form",
        "screening_form": "Screening form",
        "course_form": "Course form",
        "plan_form": "Plan of a course",
        "session_form": "Session form",
        "session_action": "Void or addendum form",
        "session_sign": "Signing confirmation",
        "back_office": "Back office: a record",
        "back_office_history": "Back office: a record's history",
        "back_office_list": "Back office: a list of records",
        "conflict": "Edit conflict page",
        "response": "Questionnaire response",
        "questionnaire_form": "Questionnaire form",
        "questionnaires_csv": "Questionnaires CSV",
        "appointment_day": "Day and week of appointments",
        "appointment_form": "Appointment form",
    }
