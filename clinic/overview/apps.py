from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The read side: start pages, the client list and page with the history, charts, print,
    CSV and FHIR exports, the clinic-wide export and the demo data. It sits on top of every
    other app and is imported by none (lint-imports)."""

    name = "clinic.overview"
    label = "overview"
    verbose_name = "Overview"

    def ready(self):
        from clinic.models import AccessLog

        AccessLog.register_views(
            {
                "client_page": "Client's page",
                "client_list": "Client list",
                "start_page": "Start page: needs attention",
                "print": "Printable record",
                "fhir": "FHIR export",
                "clinic_csv": "Clinic-wide sessions CSV",
            }
        )
