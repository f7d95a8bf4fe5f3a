"""Screenings in the client's history (see clinic.lib.record_kinds)."""

from django.utils.translation import gettext_lazy as _

from clinic.lib.fhir import LOCAL, LOINC, UCUM, ref
from clinic.lib.record_kinds import RecordKind, start_of


class ScreeningKind(RecordKind):
    code = "screening"
    label = _("Screenings")
    permission = "screening.view_screening"
    template = "screening/_timeline_screening.html"
    access_log_views = {"screening": _("Screening"), "screening_form": _("Screening form")}

    def load(self, client, history):
        return list(client.screenings.with_answers())

    def moment(self, screening):
        return start_of(screening.screened_on)

    def fhir_entries(self, screening, patient, history):
        """A QuestionnaireResponse with every answer, and an Observation of the blood
        pressure when it was measured."""
        response = ref("QuestionnaireResponse", screening.pk)
        entries = [(response, questionnaire_response(screening, patient))]
        if screening.systolic is not None:
            entries.append(
                (
                    ref("Observation", f"bp-{screening.pk}"),
                    blood_pressure(screening, patient, response),
                )
            )
        return entries


def questionnaire_response(screening, patient):
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "subject": {"reference": patient},
        "authored": screening.screened_on.isoformat(),
        "author": {"display": str(screening.screened_by)},
        "item": [
            {
                "linkId": answer.contraindication.code,
                "text": answer.contraindication.name,
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{LOCAL}:screening-answer",
                            "code": answer.value,
                            "display": answer.get_value_display(),
                        }
                    }
                ],
            }
            for answer in screening.answers.all()
        ],
    }


def blood_pressure(screening, patient, response):
    def reading(code, display, value):
        return {
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "valueQuantity": {"value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"},
        }

    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": LOINC, "code": "85354-9", "display": "Blood pressure panel"}]
        },
        "subject": {"reference": patient},
        "effectiveDateTime": screening.screened_on.isoformat(),
        "derivedFrom": [{"reference": response}],
        "component": [
            reading("8480-6", "Systolic blood pressure", screening.systolic),
            reading("8462-4", "Diastolic blood pressure", screening.diastolic),
        ],
    }
