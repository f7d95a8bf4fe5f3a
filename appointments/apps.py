from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from appointments.extension import Appointments
        from appointments.kinds import AppointmentKind
        from clinic.lib import record_kinds
        from sessions_app import extensions

        record_kinds.register(AppointmentKind())
        # The course page's appointments and booking buttons; the session form's appointment.
        extensions.register(Appointments())
