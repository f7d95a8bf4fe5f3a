"""Questionnaire responses in the client's history (see clinic.lib.record_kinds): the timeline
entry, the questionnaires' CSV, and the HL7 FHIR R4 resources of each response.

FHIR, per response: the Questionnaire of its instrument (once per instrument in a bundle, with
a stable canonical URL), a QuestionnaireResponse with the answers as given, and, when it was
scored, an Observation of the score derived from it. Item texts are exported only where the
product ships them (outcomes/instruments/*.json, whose terms allow it): the licensed wording a
clinic loaded is the clinic's to use, not to pass on.

A correction is a new response that replaces an earlier one, which stays as it was given. The
export keeps that shape: the earlier QuestionnaireResponse stays "completed" (it was a real
entry, not a mistake of the system), the correcting one is "amended" and its Observation
"amended" with the reason as a note. Only the correction's score is an Observation: the
replaced score no longer counts (Response.objects.current()), and an Observation of it beside
the correction's would count the same measure point twice.
"""

from django.utils import formats, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from clinic.lib.fhir import LOCAL, LOINC, UCUM, ref
from clinic.lib.record_kinds import CsvExport, RecordKind, start_of
from outcomes.instruments import shipped
from outcomes.models import Response

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# The LOINC codes of the scores, each checked on loinc.org: ODI 97909-6 "Oswestry disability
# index score ODI" (panel 97908-8), STarT Back 91351-7 "Total score [STarT Back]" with its
# distress subscore 91350-9 and risk level 91352-5 (panel 91349-1), pain 72514-3 as the
# sessions' pain. The RMDQ and the PSFS have no LOINC code we could confirm: their scores are
# coded in the clinic's own system (SCORE_SYSTEM) rather than with a guessed code.
SCORE_CODES = {
    "odi": ("97909-6", "Oswestry disability index score ODI"),
    "start_back": ("91351-7", "Total score [STarT Back]"),
    "pain": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
}
PANEL_CODES = {
    "odi": ("97908-8", "Oswestry Disability Index"),
    "start_back": ("91349-1", "STarT Back Screening Tool panel"),
}
START_BACK_SUBSCORE = ("91350-9", "Distress subscore [STarT Back]")
START_BACK_RISK = ("91352-5", "STarT Back Screening risk level")
# LOINC's answers to the risk level (answer list LL3578-3).
START_BACK_RISK_ANSWERS = {
    "low": ("LA9194-7", "Low"),
    "medium": ("LA8982-6", "Medium"),
    "high": ("LA9193-9", "High"),
}
SCORE_SYSTEM = f"{LOCAL}:questionnaire-score"
BAND_SYSTEM = f"{LOCAL}:questionnaire-band"
# A numeric scale (0–10) is answered with a number; a few statements (ODI's six, a tick, agree
# or not) are a choice among their values.
LONGEST_CHOICE = 6


def corrected_by(response):
    """The response that replaced this one, or None (read with select_related)."""
    return getattr(response, "replaced_by", None)


# --- CSV ----------------------------------------------------------------------------------

# The column names, in the reader's language (lazy: read when the file is written).
CSV_HEADER = [
    pgettext_lazy("questionnaires CSV column", "id"),
    pgettext_lazy("questionnaires CSV column", "taken_on"),
    pgettext_lazy("questionnaires CSV column", "questionnaire"),
    pgettext_lazy("questionnaires CSV column", "course"),
    pgettext_lazy("questionnaires CSV column", "when"),
    pgettext_lazy("questionnaires CSV column", "session_number"),
    pgettext_lazy("questionnaires CSV column", "days_after"),
    pgettext_lazy("questionnaires CSV column", "score"),
    pgettext_lazy("questionnaires CSV column", "band"),
    pgettext_lazy("questionnaires CSV column", "subscore"),
    pgettext_lazy("questionnaires CSV column", "how"),
    pgettext_lazy("questionnaires CSV column", "recorded_by"),
    pgettext_lazy("questionnaires CSV column", "corrects"),
    pgettext_lazy("questionnaires CSV column", "corrected_by"),
    pgettext_lazy("questionnaires CSV column", "correction_reason"),
    pgettext_lazy("questionnaires CSV column", "answers"),
    pgettext_lazy("questionnaires CSV column", "activities"),
]


def pairs(values, instrument):
    """`number=value; …`: each item by its number in the questionnaire, as on the paper form
    and the response's page (an item's id is a code in English, not a word of the reader's)."""
    return "; ".join(
        f"{number}={values[item.id]}"
        for number, item in enumerate(instrument.items, start=1)
        if item.id in values
    )


def client_responses_rows(client):
    """One row per response, oldest first, corrections and the entries they replace alike,
    in one query. A generator: each row is written in the language of the request."""
    responses = (
        Response.objects.filter(client=client)
        .select_related("recorded_by", "replaced_by")
        .order_by("taken_on", "recorded_at", "pk")
    )
    for response in responses:
        instrument = shipped()[response.instrument]
        replaced_by = corrected_by(response)
        yield [
            response.pk,
            response.taken_on.isoformat(),
            response.get_instrument_display(),
            response.course_id,
            response.get_when_display(),
            response.session_number,
            response.days_after,
            response.score,
            response.band_label,
            response.subscore,
            response.get_how_display(),
            str(response.recorded_by),
            response.replaces_id,
            replaced_by.pk if replaced_by else None,
            response.correction_reason,
            pairs(response.answers, instrument),
            pairs(response.activities, instrument),
        ]


class ResponseKind(RecordKind):
    code = "response"
    label = _("Questionnaires")
    permission = "outcomes.view_response"
    template = "outcomes/_timeline_response.html"
    access_log_views = {
        "response": _("Questionnaire response"),
        "questionnaire_form": _("Questionnaire form"),
    }
    csv = CsvExport(
        name="questionnaires",
        label=_("Questionnaires (CSV)"),
        permission="outcomes.view_response",
        header=CSV_HEADER,
        rows=client_responses_rows,
        access_log=("questionnaires_csv", _("Questionnaires CSV")),
    )

    def load(self, client, history):
        # One query: the correction that replaced each response, and the one it corrects.
        responses = list(
            client.responses.select_related(
                "course", "recorded_by", "replaced_by", "replaces"
            ).order_by("taken_on", "recorded_at", "pk")
        )
        for response in responses:
            response.correction = corrected_by(response)
        return responses

    def moment(self, response):
        return start_of(response.taken_on)

    def fhir_entries(self, response, patient, history):
        language = translation.get_language() or "en"
        instrument = shipped()[response.instrument]
        # A screening is a QuestionnaireResponse too: the prefix keeps the ids apart.
        answered = ref("QuestionnaireResponse", f"outcome-{response.pk}")
        entries = []
        first = next(r for r in history.records(self.code) if r.instrument == response.instrument)
        if first is response:  # each instrument's Questionnaire once in a bundle
            entries.append(
                (ref("Questionnaire", instrument.code), questionnaire(instrument, language))
            )
        entries.append((answered, questionnaire_response(response, instrument, patient, language)))
        if response.score is not None and corrected_by(response) is None:
            entries.append(
                (
                    ref("Observation", f"score-{response.pk}"),
                    score_observation(response, instrument, patient, answered, language),
                )
            )
        return entries


def canonical(instrument):
    """The Questionnaire's canonical URL: the same for the instrument in every export."""
    return f"{LOCAL}:questionnaire:{instrument.code}"


def item_texts(instrument, language):
    """{item id: words} the product ships for `instrument` in `language`; {} when it ships
    none (a licensed instrument)."""
    return (instrument.texts.get(language[:2]) or {}).get("items") or {}


def name_link(item):
    """The linkId of the activity a client names (PSFS), beside the rating's own."""
    return f"{item.id}-name"


def named_words(words):
    return gettext("%(item)s: the activity named") % {"item": words}


def questionnaire(instrument, language):
    texts = item_texts(instrument, language)
    items = []
    for item in instrument.items:
        words = texts.get(item.id)
        if item.named_by_client:
            named = {"linkId": name_link(item), "type": "string"}
            if words:
                named["text"] = named_words(words)
            items.append(named)
        entry = {"linkId": item.id}
        if words:
            entry["text"] = words
        if len(item.values) > LONGEST_CHOICE:
            entry["type"] = "integer"
            entry["extension"] = [
                {"url": MIN_VALUE, "valueInteger": min(item.values)},
                {"url": MAX_VALUE, "valueInteger": max(item.values)},
            ]
        else:
            entry["type"] = "choice"
            entry["answerOption"] = [{"valueInteger": value} for value in item.values]
        items.append(entry)
    resource = {
        "resourceType": "Questionnaire",
        "url": canonical(instrument),
        "name": "".join(part.capitalize() for part in instrument.code.split("_")),
        "title": instrument.name(language),
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": instrument.terms,
        "item": items,
    }
    if instrument.code in PANEL_CODES:
        code, display = PANEL_CODES[instrument.code]
        resource["code"] = [{"system": LOINC, "code": code, "display": display}]
    return resource


def questionnaire_response(response, instrument, patient, language):
    texts = item_texts(instrument, language)
    items = []
    for item in instrument.items:
        words = texts.get(item.id)
        activity = response.activities.get(item.id)
        if activity:
            named = {"linkId": name_link(item), "answer": [{"valueString": activity}]}
            if words:
                named["text"] = named_words(words)
            items.append(named)
        value = response.answers.get(item.id)
        if value is not None:
            answer = {"linkId": item.id, "answer": [{"valueInteger": value}]}
            if words:
                answer["text"] = words
            items.append(answer)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical(instrument),
        # A correction amends the answers of the entry it replaces; that one stays completed.
        "status": "amended" if response.replaces_id else "completed",
        "basedOn": [{"reference": ref("CarePlan", response.course_id)}],
        "subject": {"reference": patient},
        "authored": response.taken_on.isoformat(),
        # Staff recorded it (typed in from paper, or handed over the tablet); the client answered.
        "author": {"display": str(response.recorded_by)},
        "source": {"reference": patient},
        "item": items,
    }


def coded(code_display, system=LOINC):
    code, display = code_display
    return {"system": system, "code": code, "display": display}


def quantity(value, percent=False):
    if percent:
        return {"value": value, "unit": "%", "system": UCUM, "code": "%"}
    return {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}


def score_observation(response, instrument, patient, answered, language):
    name = instrument.name(language)
    if instrument.code in SCORE_CODES:
        coding = coded(SCORE_CODES[instrument.code])
    else:
        coding = coded((instrument.code, name), system=SCORE_SYSTEM)
    resource = {
        "resourceType": "Observation",
        "status": "amended" if response.replaces_id else "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [coding], "text": name},
        "subject": {"reference": patient},
        "effectiveDateTime": response.taken_on.isoformat(),
        "valueQuantity": quantity(response.score, percent=instrument.unit == "%"),
        "derivedFrom": [{"reference": answered}],
    }
    if response.band:
        words = response.band_label
        resource["interpretation"] = [
            {
                "coding": [{"system": BAND_SYSTEM, "code": response.band, "display": words}],
                "text": words,
            }
        ]
    if instrument.code == "start_back":
        components = []
        if response.subscore is not None:
            components.append(
                {
                    "code": {"coding": [coded(START_BACK_SUBSCORE)]},
                    "valueQuantity": quantity(response.subscore),
                }
            )
        if response.band in START_BACK_RISK_ANSWERS:
            components.append(
                {
                    "code": {"coding": [coded(START_BACK_RISK)]},
                    "valueCodeableConcept": {
                        "coding": [coded(START_BACK_RISK_ANSWERS[response.band])],
                        "text": response.band_label,
                    },
                }
            )
        if components:
            resource["component"] = components
    if response.replaces_id:
        resource["note"] = [
            {
                "text": gettext("Corrects the entry of %(date)s: %(reason)s")
                % {
                    "date": formats.date_format(response.replaces.taken_on, "DATE_FORMAT"),
                    "reason": response.correction_reason,
                }
            }
        ]
    return resource
