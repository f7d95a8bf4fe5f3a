from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from appointments.kinds import AppointmentKind
        from clinic.lib import record_kinds

        record_kinds.register(AppointmentKind())
