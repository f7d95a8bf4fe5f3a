"""A client's record as an HL7 FHIR R4 Bundle, checked by the fhir.resources models.

The Patient is the client; every other resource comes from the record kinds
(RecordKind.fhir_entries, domain.md "Standards to map onto"): ServiceRequest, QuestionnaireResponse
and blood pressure, CarePlan, Procedure and pain Observations.

Codes, code systems, ids and dates are never translated; a `display` or a narrative `text` is
written in the language of the request (a lazy translation is read here, in that language).
"""

import uuid

from django.utils import timezone, translation
from django.utils.functional import Promise
from fhir.resources.bundle import Bundle

from clinic.lib.fhir import LOCAL, instant, ref
from clinic.models import Client

GENDER = {
    Client.Sex.FEMALE: "female",
    Client.Sex.MALE: "male",
    Client.Sex.OTHER: "other",
    Client.Sex.UNKNOWN: "unknown",
}


def client_bundle(history):
    """The FHIR R4 Bundle (type collection) of everything `history` holds."""
    client = history.client
    patient = ref("Patient", client.pk)
    entries = [(patient, patient_resource(client))]
    for kind in history.kinds:
        for record in history.records(kind.code):
            entries += kind.fhir_entries(record, patient, history)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "identifier": {"system": f"{LOCAL}:export", "value": str(uuid.uuid4())},
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    # Raises when anything above is not valid R4: the export never leaves unchecked.
    # Its display texts are in the language of the page that exported it.
    bundle["language"] = translation.get_language()
    return Bundle.parse_obj(plain(bundle))


def plain(value):
    """The bundle with every lazy translation made a str in the active language."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value) if isinstance(value, Promise) else value


def patient_resource(client):
    telecom = [{"system": "phone", "value": client.phone, "use": "mobile"}]
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    return {
        "resourceType": "Patient",
        "identifier": [{"system": f"{LOCAL}:record-number", "value": client.record_number}],
        "active": not client.is_archived,
        # The patronymic is a second given name, as FHIR's HumanName takes it; the text is
        # the name as the clinic writes it, in the record's language.
        "name": [
            {
                "use": "official",
                "text": client.full_name,
                "family": client.last_name,
                "given": [part for part in (client.first_name, client.patronymic) if part],
            }
        ],
        "telecom": telecom,
        "gender": GENDER[client.sex],
        "birthDate": client.date_of_birth.isoformat(),
    }
