"""Consents and refusals in the client's history (see clinic.lib.record_kinds)."""

import base64
import hashlib

from django.utils.translation import gettext_lazy as _

from clinic.lib.fhir import LOCAL, LOINC, instant, ref
from clinic.lib.record_kinds import RecordKind, start_of
from consent.models import ABOUT_TREATMENT, Consent, Kind

CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# FHIR's consent scope of each kind: treatment, or the privacy of the client's data.
SCOPE = {
    Kind.TREATMENT: ("treatment", "Treatment"),
    Kind.REFUSAL: ("treatment", "Treatment"),
    Kind.PERSONAL_DATA: ("patient-privacy", "Privacy Consent"),
}


class ConsentKind(RecordKind):
    code = "consent"
    label = _("Consents")
    permission = "consent.view_consent"
    template = "consent/_timeline_consent.html"
    access_log_views = {
        "consent": _("Consent"),
        "consent_print": _("Printed consent"),
        "consent_file": _("Signature or scan of a consent"),
        "consent_form": _("Consent form"),
        "consent_withdraw": _("Withdrawal of consent"),
    }

    def load(self, client, history):
        consents = list(
            client.consents.select_related(
                "client", "text", "withdrawal", "countersigned_by", "therapist"
            )
        )
        mark_superseded(consents)
        return consents

    def moment(self, consent):
        return start_of(consent.signed_on)

    def fhir_entries(self, consent, patient, history):
        return [(ref("Consent", consent.pk), consent_resource(consent, patient, history.today))]


def mark_superseded(consents):
    """Each consent to a massage followed by a later consent or refusal of that massage is
    replaced from that day. `consents` are a client's, newest first."""
    later = {}
    for consent in consents:
        if consent.kind not in ABOUT_TREATMENT:
            continue
        if consent.massage_type in later and consent.kind == Kind.TREATMENT:
            consent.superseded_on = later[consent.massage_type].signed_on
        later[consent.massage_type] = consent


def consent_resource(consent, patient, today):
    """An R4 Consent: active while it holds, inactive once withdrawn, rejected for a refusal;
    the text as signed is its source attachment."""
    scope, scope_display = SCOPE[consent.kind]
    withdrawal = consent.withdrawn
    if consent.signed_by == Consent.Signer.CLIENT:
        performer = {"reference": patient}
    else:
        performer = {"display": consent.signer_name}
    provision = {
        "type": "deny" if consent.kind == Kind.REFUSAL else "permit",
        "period": {"start": consent.signed_on.isoformat()},
    }
    if withdrawal is not None:
        provision["period"]["end"] = withdrawal.withdrawn_on.isoformat()
    text = consent.shown_text.encode()
    return {
        "resourceType": "Consent",
        "status": consent.status_on(today),
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": scope, "display": scope_display}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]},
            {
                "coding": [
                    {
                        "system": f"{LOCAL}:consent-kind",
                        "code": consent.kind,
                        "display": str(consent.get_kind_display()),
                    }
                ]
            },
        ],
        "patient": {"reference": patient},
        "dateTime": instant(consent.recorded_at),
        "performer": [performer],
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "language": consent.text.language,
            "data": base64.b64encode(text).decode(),
            # FHIR's attachment hash is SHA-1; the record's own SHA-256 is kept in the clinic.
            "hash": base64.b64encode(hashlib.sha1(text).digest()).decode(),
            "title": f"{consent.text.title} (v{consent.text.version})",
            "creation": consent.signed_on.isoformat(),
        },
        "policyRule": {
            "coding": [
                {
                    "system": ACT_CODE,
                    "code": "OPTOUT" if consent.kind == Kind.REFUSAL else "OPTIN",
                }
            ]
        },
        "provision": provision,
    }
