"""What every kind's HL7 FHIR R4 resources share: stable ids, instants and code systems.

The read side (clinic.overview.lib.fhir) puts the resources of every record kind into one
Bundle and checks it; each kind writes its own resources (RecordKind.fhir_entries) with these.
"""

import uuid

from django.utils import timezone

LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
# The clinic's own code systems, for what has no standard code.
LOCAL = "urn:clinic"
NAMESPACE = uuid.UUID("5b0f2bb4-3a8e-4a57-9d6c-0c1d2d6a7e10")


def ref(kind, pk):
    """A stable urn:uuid for one record, so that the same record keeps its id across exports."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{pk}')}"


def instant(value):
    return timezone.localtime(value).isoformat(timespec="seconds")
