from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The read side: start pages, the client list and page with the history, charts, print,
    CSV and FHIR exports, the clinic-wide export and the demo data. It sits on top of every
    other app and is imported by none (lint-imports)."""

    name = "clinic.overview"
    label = "overview"
    verbose_name = _("Overview")

    def ready(self):
        from clinic.models import AccessLog

        AccessLog.register_views(
            {
                "client_page": _("Client's page"),
                "client_list": _("Client list"),
                "start_page": _("Start page: the day and what needs attention"),
                "print": _("Printable record"),
                "fhir": _("FHIR export"),
                "clinic_csv": _("Clinic-wide sessions CSV"),
            }
        )
