from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Informed consent")

    def ready(self):
        from clinic.lib import record_kinds
        from consent.kinds import ConsentKind

        record_kinds.register(ConsentKind())
