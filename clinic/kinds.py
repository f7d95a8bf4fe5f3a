"""The core's record kind in the client's history: referral notes (see clinic.lib.record_kinds)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.lib.fhir import ICD10, ref
from clinic.lib.record_kinds import RecordKind, start_of
from clinic.models import ReferralNote


class ReferralKind(RecordKind):
    code = "referral"
    label = _("Referral notes")
    permission = "clinic.view_referralnote"
    template = "clinic/_timeline_referral.html"
    access_log_views = {
        "referral": _("Referral note"),
        "referral_form": _("Referral note form"),
        "scan": _("Scan of a referral letter"),
    }

    def load(self, client, history):
        return list(client.referral_notes.all())

    def moment(self, note):
        return start_of(note.consult_date)

    def fhir_entries(self, note, patient, history):
        """A ServiceRequest: the specialist's decision on manual therapy; "not cleared" is
        doNotPerform. Its texts are in the language of the export's reader."""
        reason = {"text": note.diagnosis}
        stage = note.get_stage_display().lower()
        if note.icd10:
            reason["coding"] = [{"system": ICD10, "code": note.icd10}]
        resource = {
            "resourceType": "ServiceRequest",
            "status": "active" if note.valid_until >= history.today else "completed",
            "intent": "order",
            "doNotPerform": note.decision == ReferralNote.Decision.NOT_CLEARED,
            "code": {"text": gettext("Manual therapy: massage of the lumbosacral spine")},
            "subject": {"reference": patient},
            "occurrencePeriod": {
                "start": note.consult_date.isoformat(),
                "end": note.valid_until.isoformat(),
            },
            "authoredOn": note.consult_date.isoformat(),
            "requester": {"display": f"{note.specialist_name} ({note.get_specialty_display()})"},
            "reasonCode": [reason],
            "note": [
                {
                    "text": gettext("%(decision)s, %(stage)s stage.")
                    % {"decision": note.get_decision_display(), "stage": stage}
                }
            ],
        }
        if note.restrictions:
            resource["note"].append(
                {
                    "text": gettext("Restrictions: %(restrictions)s")
                    % {"restrictions": note.restrictions}
                }
            )
        return [(ref("ServiceRequest", note.pk), resource)]
