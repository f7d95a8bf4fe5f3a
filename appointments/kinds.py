"""Appointments in the client's history and as FHIR R4 Appointments
(see clinic.lib.record_kinds)."""

from django.utils.translation import gettext_lazy as _

from appointments.models import Status
from clinic.lib.fhir import instant, ref
from clinic.lib.record_kinds import RecordKind

# FHIR's appointment status for each of ours.
FHIR_STATUS = {
    Status.BOOKED: "booked",
    Status.ARRIVED: "arrived",
    Status.COMPLETED: "fulfilled",
    Status.CANCELLED_BY_CLIENT: "cancelled",
    Status.CANCELLED_BY_CLINIC: "cancelled",
    Status.LATE_CANCELLATION: "cancelled",
    Status.NO_SHOW: "noshow",
}
# Who cancelled, in FHIR's appointment cancellation reasons.
CANCELLATION = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
CANCELLED_BECAUSE = {
    Status.CANCELLED_BY_CLIENT: ("pat", "Patient"),
    Status.CANCELLED_BY_CLINIC: ("prov", "Provider"),
    Status.LATE_CANCELLATION: ("pat", "Patient"),
}


class AppointmentKind(RecordKind):
    code = "appointment"
    label = _("Appointments")
    permission = "appointments.view_appointment"
    template = "appointments/_timeline_appointment.html"
    timed = True
    access_log_views = {
        "appointment_day": _("Day and week of appointments"),
        "appointment_form": _("Appointment form"),
    }

    def load(self, client, history):
        return list(client.appointments.select_related("therapist", "room", "session__course"))

    def moment(self, appointment):
        return appointment.starts_at

    def fhir_entries(self, appointment, patient, history):
        return [(ref("Appointment", appointment.pk), resource(appointment, patient))]


def resource(appointment, patient):
    participants = [
        {"actor": {"reference": patient}, "status": "accepted"},
        {"actor": {"display": str(appointment.therapist)}, "status": "accepted"},
    ]
    if appointment.room_id:
        participants.append({"actor": {"display": str(appointment.room)}, "status": "accepted"})
    fhir = {
        "resourceType": "Appointment",
        "status": FHIR_STATUS[appointment.status],
        "start": instant(appointment.starts_at),
        "end": instant(appointment.ends_at),
        "participant": participants,
    }
    if appointment.course_id:
        fhir["basedOn"] = [{"reference": ref("CarePlan", appointment.course_id)}]
    if appointment.status in CANCELLED_BECAUSE:
        code, display = CANCELLED_BECAUSE[appointment.status]
        fhir["cancelationReason"] = {
            "coding": [{"system": CANCELLATION, "code": code, "display": display}],
            "text": str(appointment.get_status_display()),
        }
    return fhir
