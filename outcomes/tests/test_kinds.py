"""Questionnaire responses in the client's history: the timeline entry with its score, band and
point of the course, corrections, the questionnaires' CSV, the FHIR resources, who sees them,
and a page that costs the same however many questionnaires were taken."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.bundle import Bundle
from fhir.resources.observation import Observation
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from clinic.lib.fhir import LOCAL, LOINC
from clinic.models import AccessLog
from outcomes.kinds import client_responses_rows
from outcomes.models import Response, When
from outcomes.tests.factories import recorded
from sessions_app.tests.factories import course_for, treatable_client

pytestmark = pytest.mark.django_db
SECTIONS = [
    "pain_intensity",
    "personal_care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex_life",
    "social_life",
    "travelling",
]
REASON = "Lifting was typed as 4; the paper says 1."


def odi(total):
    """Ten ODI sections adding up to `total` (of 50)."""
    return {s: total // 10 + (1 if i < total % 10 else 0) for i, s in enumerate(SECTIONS)}


# Total 5, items 5–9 add up to 4: high risk.
START_BACK_HIGH = {f"q{n}": 1 if n in (1, 5, 6, 7, 8) else 0 for n in range(1, 10)}
RMDQ_12 = {f"s{n}": 1 if n <= 12 else 0 for n in range(1, 25)}
PSFS = {"activity1": 6, "activity2": 7, "activity3": 6}  # mean 6.3
ACTIVITIES = {
    "activity1": "Sitting at work",
    "activity2": "Lifting my grandson",
    "activity3": "Walking the dog",
}


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist, start_days_ago=20)


def take(course, by, answers, *, days_ago=15, **kw):
    return recorded(course, by, answers, days_ago=days_ago, **kw)


def correct(response, answers, by):
    return take(
        response.course,
        by,
        answers,
        instrument=response.instrument,
        when=response.when,
        session_number=response.session_number,
        days_after=response.days_after,
        days_ago=(timezone.localdate() - response.taken_on).days,
        replaces=response,
        correction_reason=REASON,
    )


def every_instrument(course, by):
    """One response of each instrument, the ODI corrected: (original, correction)."""
    original = take(course, by, odi(20))  # 40 %, moderate
    take(course, by, START_BACK_HIGH, instrument="start_back", days_ago=14)
    take(course, by, RMDQ_12, instrument="rmdq", days_ago=14)
    take(course, by, PSFS, instrument="psfs", activities=ACTIVITIES, days_ago=14)
    take(course, by, {"pain_now": 7}, instrument="pain", days_ago=14)
    return original, correct(original, odi(16), by)  # 32 %


def page_of(client, user, person, **params):
    client.force_login(user)
    response = client.get(reverse("overview:client_detail", args=[person.pk]), params)
    assert response.status_code == 200
    return response


def text_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


# --- the timeline -------------------------------------------------------------------------


def test_a_response_shows_on_the_client_page_with_its_score_band_and_point(
    client, therapist, course
):
    response = take(course, therapist, odi(16))
    page = page_of(client, therapist, course.client)
    html = page.content.decode()
    assert f'<a href="{response.get_absolute_url()}">Oswestry Disability Index (ODI)</a>' in html
    assert "baseline, before the first session" in html
    assert "<strong data-score>32%</strong> · Moderate disability" in html
    assert "on paper, entered by staff" in html
    (entry,) = (
        page_of(client, therapist, course.client, kind="response").context["timeline"].object_list
    )
    assert entry.record == response


def test_each_instrument_shows_its_own_unit_band_and_point(client, therapist, course):
    take(course, therapist, START_BACK_HIGH, instrument="start_back")
    take(
        course,
        therapist,
        RMDQ_12,
        instrument="rmdq",
        when=When.AFTER_SESSION,
        session_number=3,
        how=Response.How.TABLET,
    )
    take(course, therapist, PSFS, instrument="psfs", activities=ACTIVITIES)
    take(course, therapist, {"pain_now": 1}, instrument="pain", when=When.FOLLOW_UP, days_after=1)
    take(course, therapist, odi(16) | {"sex_life": None, "travelling": None}, days_ago=10)
    html = page_of(client, therapist, course.client).content.decode()
    assert "<strong data-score>5 points</strong> · High risk" in html
    assert "after session 3:" in html and "<strong data-score>12 points</strong>" in html
    assert "on the tablet" in html
    assert "<strong data-score>6.3 points</strong>" in html
    assert "1 day after the last session:" in html and "<strong data-score>1 point</strong>" in html
    assert "not scored" in html


def test_a_correction_shows_on_both_entries(client, therapist, course):
    original = take(course, therapist, odi(20))
    correction = correct(original, odi(16), therapist)
    html = page_of(client, therapist, course.client).content.decode()
    assert (
        f'Replaced by <a href="{correction.get_absolute_url()}">the correction of' in html
        and "this entry no longer counts" in html
    )
    assert f'Corrects <a href="{original.get_absolute_url()}">the entry of' in html
    assert REASON in html
    assert html.count("Replaced by") == 1 and html.count("Corrects <a") == 1


def test_reception_sees_no_questionnaire_on_the_page_nor_its_csv(
    client, reception, therapist, course
):
    take(course, therapist, odi(16))
    page = page_of(client, reception, course.client)
    html = page.content.decode()
    assert "Oswestry" not in html and "32%" not in html
    assert page.context["history"].records("response") == []
    csv_url = reverse("overview:client_csv", args=[course.client_id, "questionnaires"])
    assert csv_url not in html
    assert client.get(csv_url).status_code == 403
    assert AccessLog.objects.filter(view="questionnaires_csv", allowed=False).count() == 1


def test_the_client_page_costs_the_same_queries_with_one_response_or_many(
    client, therapist, course
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            page_of(client, therapist, course.client)
        return len(captured)

    take(course, therapist, odi(18), when=When.AFTER_SESSION, session_number=2, days_ago=10)
    page_of(client, therapist, course.client)  # the session's first request
    with_one = queries()
    every_instrument(course, therapist)  # five more, and a correction
    assert Response.objects.filter(client=course.client).count() == 7
    assert queries() == with_one


# --- CSV ----------------------------------------------------------------------------------


def test_the_questionnaires_csv_has_a_row_per_response_with_its_answers(client, therapist, course):
    original, correction = every_instrument(course, therapist)
    client.force_login(therapist)
    url = reverse("overview:client_csv", args=[course.client_id, "questionnaires"])
    response = client.get(url)
    assert response["Content-Disposition"].endswith('-questionnaires.csv"')
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert len(rows) == 6
    by_id = {row["id"]: row for row in rows}
    first, fixed = by_id[str(original.pk)], by_id[str(correction.pk)]
    assert first["questionnaire"] == "Oswestry Disability Index (ODI)"
    assert first["when"] == "Baseline, before the first session"
    assert (first["score"], first["band"]) == ("40.0", "Moderate disability")
    assert first["corrected_by"] == str(correction.pk) and first["corrects"] == ""
    assert fixed["corrects"] == str(original.pk) and fixed["correction_reason"] == REASON
    assert fixed["score"] == "32.0" and fixed["how"] == "On paper, entered by staff"
    # Each item by its number on the form: 16 of 50 over ten sections.
    assert fixed["answers"] == "1=2; 2=2; 3=2; 4=2; 5=2; 6=2; 7=1; 8=1; 9=1; 10=1"
    assert fixed["recorded_by"] == str(therapist)
    (start_back,) = [row for row in rows if row["questionnaire"] == "STarT Back Screening Tool"]
    assert (start_back["score"], start_back["subscore"], start_back["band"]) == (
        "5.0",
        "4",
        "High risk",
    )
    (psfs,) = [row for row in rows if row["questionnaire"].startswith("Patient-Specific")]
    assert psfs["activities"] == "1=Sitting at work; 2=Lifting my grandson; 3=Walking the dog"
    assert AccessLog.objects.filter(view="questionnaires_csv", allowed=True).count() == 1


def test_the_csv_reads_its_rows_in_one_query(client, therapist, course, django_assert_num_queries):
    every_instrument(course, therapist)
    with django_assert_num_queries(1):
        assert len(list(client_responses_rows(course.client))) == 6


# --- FHIR ---------------------------------------------------------------------------------


def bundle_of(client, user, person):
    client.force_login(user)
    response = client.get(reverse("overview:client_fhir", args=[person.pk]))
    assert response.status_code == 200
    Bundle.parse_raw(response.content)  # valid, questionnaires and all
    return json.loads(response.content)


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def questionnaire_responses(bundle):
    """The questionnaires' responses (a screening is a QuestionnaireResponse too)."""
    return [
        r
        for r in resources(bundle, "QuestionnaireResponse")
        if r.get("questionnaire", "").startswith(f"{LOCAL}:questionnaire:")
    ]


def url_of(bundle, resource):
    return next(e["fullUrl"] for e in bundle["entry"] if e["resource"] == resource)


def test_the_fhir_bundle_holds_each_questionnaire_its_responses_and_scores(
    client, therapist, course
):
    _original, correction = every_instrument(course, therapist)
    bundle = bundle_of(client, therapist, course.client)
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))

    questionnaires = {q["url"]: q for q in resources(bundle, "Questionnaire")}
    for resource in questionnaires.values():
        Questionnaire.parse_obj(resource)
    assert set(questionnaires) == {
        f"{LOCAL}:questionnaire:{code}" for code in ("odi", "start_back", "rmdq", "psfs", "pain")
    }
    odi_form = questionnaires[f"{LOCAL}:questionnaire:odi"]
    assert odi_form["status"] == "active"
    assert odi_form["code"][0]["code"] == "97908-8"
    assert [item["linkId"] for item in odi_form["item"]] == SECTIONS
    # The ODI's statements are licensed: no words are exported, only the structure.
    assert not any("text" in item for item in odi_form["item"])
    assert odi_form["item"][0]["type"] == "choice"
    assert [o["valueInteger"] for o in odi_form["item"][0]["answerOption"]] == [0, 1, 2, 3, 4, 5]
    psfs_form = questionnaires[f"{LOCAL}:questionnaire:psfs"]
    assert psfs_form["item"][:2] == [
        {"linkId": "activity1-name", "type": "string", "text": "Activity 1: the activity named"},
        {
            "linkId": "activity1",
            "text": "Activity 1",
            "type": "integer",
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10},
            ],
        },
    ]

    answered = {
        (r["questionnaire"].rsplit(":", 1)[1], r["status"]): r
        for r in questionnaire_responses(bundle)
    }
    for resource in answered.values():
        QuestionnaireResponse.parse_obj(resource)
    assert set(answered) == {
        ("odi", "completed"),  # the entry as given
        ("odi", "amended"),  # its correction
        ("start_back", "completed"),
        ("rmdq", "completed"),
        ("psfs", "completed"),
        ("pain", "completed"),
    }
    fixed = answered["odi", "amended"]
    assert fixed["authored"] == correction.taken_on.isoformat()
    assert fixed["subject"] == fixed["source"] == {"reference": bundle["entry"][0]["fullUrl"]}
    assert {i["linkId"]: i["answer"][0]["valueInteger"] for i in fixed["item"]} == odi(16)
    psfs = answered["psfs", "completed"]["item"]
    assert psfs[0] == {
        "linkId": "activity1-name",
        "text": "Activity 1: the activity named",
        "answer": [{"valueString": "Sitting at work"}],
    }
    assert psfs[1]["answer"] == [{"valueInteger": 6}]

    scores = resources(bundle, "Observation")
    for resource in scores:
        Observation.parse_obj(resource)
    by_code = {o["code"]["coding"][0]["code"]: o for o in scores}
    # The replaced ODI score is no Observation: only its correction's counts.
    assert len(scores) == 5
    odi_score = by_code["97909-6"]
    assert odi_score["code"]["coding"][0]["system"] == LOINC
    assert odi_score["status"] == "amended"
    assert odi_score["category"][0]["coding"][0]["code"] == "survey"
    assert odi_score["valueQuantity"]["unit"] == "%"
    assert Decimal(str(odi_score["valueQuantity"]["value"])) == Decimal(32)
    assert odi_score["interpretation"][0]["text"] == "Moderate disability"
    assert REASON in odi_score["note"][0]["text"]
    assert odi_score["derivedFrom"] == [{"reference": url_of(bundle, fixed)}]
    start_back = by_code["91351-7"]
    assert start_back["status"] == "final"
    assert start_back["valueQuantity"]["value"] == 5
    components = {c["code"]["coding"][0]["code"]: c for c in start_back["component"]}
    assert components["91350-9"]["valueQuantity"]["value"] == 4
    assert components["91352-5"]["valueCodeableConcept"]["coding"][0]["code"] == "LA9193-9"
    assert by_code["72514-3"]["valueQuantity"]["value"] == 7
    # No LOINC code could be confirmed for the RMDQ and the PSFS: the clinic's own.
    local = {o["code"]["coding"][0]["system"] for o in (by_code["rmdq"], by_code["psfs"])}
    assert local == {f"{LOCAL}:questionnaire-score"}
    assert by_code["rmdq"]["valueQuantity"]["value"] == 12
    assert Decimal(str(by_code["psfs"]["valueQuantity"]["value"])) == Decimal("6.3")


def test_a_response_not_scored_has_answers_but_no_score(client, therapist, course):
    take(course, therapist, odi(16) | {"sex_life": None, "travelling": None})
    bundle = bundle_of(client, therapist, course.client)
    (answered,) = questionnaire_responses(bundle)
    assert len(answered["item"]) == 8
    assert not [o for o in resources(bundle, "Observation") if o["code"]["text"].startswith("Osw")]


def test_the_questionnaire_keeps_its_id_across_exports(client, therapist, course):
    take(course, therapist, odi(16))
    first = bundle_of(client, therapist, course.client)
    second = bundle_of(client, therapist, course.client)

    def ids(bundle):
        return [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Patient"]

    assert ids(first) == ids(second)


def test_the_printed_record_holds_the_questionnaires_too(client, therapist, course):
    take(course, therapist, odi(16))
    client.force_login(therapist)
    page = client.get(reverse("overview:client_print", args=[course.client_id]))
    assert "<strong data-score>32%</strong> · Moderate disability" in page.content.decode()
