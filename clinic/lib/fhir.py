"""A client's record as an HL7 FHIR R4 Bundle, checked by the fhir.resources models.

Mapping (domain.md, "Standards to map onto"): Patient (client), ServiceRequest (a referral's
decision on manual therapy; "not cleared" is doNotPerform), QuestionnaireResponse (screening)
with an Observation for its blood pressure, CarePlan (course), Procedure (session, with body
sites; voided ones entered-in-error), Observation for pain before and after (LOINC 72514-3).
"""

import datetime
import uuid

from django.utils import timezone
from fhir.resources.bundle import Bundle

from clinic.models import Client, ReferralNote
from clinic.templatetags.clinic_tags import person
from sessions_app.models import Course

LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
# The clinic's own code systems, for what has no standard code.
LOCAL = "urn:clinic"
NAMESPACE = uuid.UUID("5b0f2bb4-3a8e-4a57-9d6c-0c1d2d6a7e10")

GENDER = {
    Client.Sex.FEMALE: "female",
    Client.Sex.MALE: "male",
    Client.Sex.OTHER: "other",
    Client.Sex.UNKNOWN: "unknown",
}
CARE_PLAN_STATUS = {
    Course.Status.PLANNED: "active",
    Course.Status.ACTIVE: "active",
    Course.Status.COMPLETED: "completed",
    Course.Status.CANCELLED: "revoked",
}
ACTIVITY_STATUS = {
    Course.Status.PLANNED: "scheduled",
    Course.Status.ACTIVE: "in-progress",
    Course.Status.COMPLETED: "completed",
    Course.Status.CANCELLED: "cancelled",
}


def ref(kind, pk):
    """A stable urn:uuid for one record, so that the same record keeps its id across exports."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{pk}')}"


def instant(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


def client_bundle(history):
    """The FHIR R4 Bundle (type collection) of everything `history` holds, as a dict."""
    client = history.client
    patient = ref("Patient", client.pk)
    entries = [(patient, patient_resource(client))]
    for note in history.referral_notes:
        entries.append((ref("ServiceRequest", note.pk), service_request(note, patient)))
    for screening in history.screenings:
        response = ref("QuestionnaireResponse", screening.pk)
        entries.append((response, questionnaire_response(screening, patient)))
        if screening.systolic is not None:
            entries.append(
                (
                    ref("Observation", f"bp-{screening.pk}"),
                    blood_pressure(screening, patient, response),
                )
            )
    for course in history.courses:
        entries.append((ref("CarePlan", course.pk), care_plan(course, patient)))
    for session in history.sessions:
        procedure = ref("Procedure", session.pk)
        entries.append((procedure, procedure_resource(session, patient)))
        for moment in ("before", "after"):
            entries.append(
                (
                    ref("Observation", f"pain-{moment}-{session.pk}"),
                    pain(session, moment, patient, procedure),
                )
            )
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "identifier": {"system": f"{LOCAL}:export", "value": str(uuid.uuid4())},
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    # Raises when anything above is not valid R4: the export never leaves unchecked.
    return Bundle.parse_obj(bundle)


def patient_resource(client):
    telecom = [{"system": "phone", "value": client.phone, "use": "mobile"}]
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    return {
        "resourceType": "Patient",
        "identifier": [{"system": f"{LOCAL}:record-number", "value": client.record_number}],
        "active": not client.is_archived,
        "name": [{"family": client.last_name, "given": [client.first_name]}],
        "telecom": telecom,
        "gender": GENDER[client.sex],
        "birthDate": client.date_of_birth.isoformat(),
    }


def service_request(note, patient):
    today = timezone.localdate()
    reason = {"text": note.diagnosis}
    if note.icd10:
        reason["coding"] = [{"system": ICD10, "code": note.icd10}]
    resource = {
        "resourceType": "ServiceRequest",
        "status": "active" if note.valid_until >= today else "completed",
        "intent": "order",
        "doNotPerform": note.decision == ReferralNote.Decision.NOT_CLEARED,
        "code": {"text": "Manual therapy: massage of the lumbosacral spine"},
        "subject": {"reference": patient},
        "occurrencePeriod": {
            "start": note.consult_date.isoformat(),
            "end": note.valid_until.isoformat(),
        },
        "authoredOn": note.consult_date.isoformat(),
        "requester": {"display": f"{note.specialist_name} ({note.get_specialty_display()})"},
        "reasonCode": [reason],
        "note": [
            {"text": f"{note.get_decision_display()}, {note.get_stage_display().lower()} stage."}
        ],
    }
    if note.restrictions:
        resource["note"].append({"text": f"Restrictions: {note.restrictions}"})
    return resource


def questionnaire_response(screening, patient):
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "subject": {"reference": patient},
        "authored": screening.screened_on.isoformat(),
        "author": {"display": person(screening.screened_by)},
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


def care_plan(course, patient):
    return {
        "resourceType": "CarePlan",
        "status": CARE_PLAN_STATUS[course.status],
        "intent": "plan",
        "title": str(course),
        "description": course.goal,
        "subject": {"reference": patient},
        "period": {"start": course.start_date.isoformat()},
        "author": {"display": person(course.therapist)},
        "supportingInfo": [{"reference": ref("ServiceRequest", course.referral_id)}],
        "activity": [
            {
                "detail": {
                    "code": {"text": f"{course.get_massage_type_display()} massage"},
                    "status": ACTIVITY_STATUS[course.status],
                    "description": f"{course.planned_sessions} sessions planned.",
                }
            }
        ],
    }


def procedure_resource(session, patient):
    duration = session.introductory_seconds + session.main_seconds + session.final_seconds
    zones = {step.zone.code: step.zone for step in session.steps.all()}
    resource = {
        "resourceType": "Procedure",
        "status": "entered-in-error" if session.is_voided else "completed",
        "basedOn": [{"reference": ref("CarePlan", session.course_id)}],
        "code": {
            "text": f"{session.course.get_massage_type_display()} massage of the lumbosacral spine"
        },
        "subject": {"reference": patient},
        "performedPeriod": {
            "start": instant(session.performed_at),
            "end": instant(session.performed_at + datetime.timedelta(seconds=duration)),
        },
        "performer": [{"actor": {"display": person(session.therapist)}}],
        "bodySite": [
            {
                "coding": [{"system": f"{LOCAL}:zone", "code": code, "display": zone.name}],
                "text": zone.name,
            }
            for code, zone in zones.items()
        ],
        "note": [
            {"text": f"Tolerated: {session.get_tolerance_display().lower()}."},
            *([{"text": session.notes}] if session.notes else []),
        ],
    }
    if session.is_voided:
        resource["statusReason"] = {"text": session.void_reason}
    return resource


def pain(session, moment, patient, procedure):
    return {
        "resourceType": "Observation",
        "status": "entered-in-error" if session.is_voided else "final",
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": "72514-3",
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }
            ],
            "text": f"Pain {moment} the session",
        },
        "subject": {"reference": patient},
        "partOf": [{"reference": procedure}],
        "effectiveDateTime": instant(session.performed_at),
        "valueInteger": session.pain_before if moment == "before" else session.pain_after,
    }
