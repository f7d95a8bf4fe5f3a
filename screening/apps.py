from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Contraindication screening")

    def ready(self):
        from clinic.lib import record_kinds
        from screening.kinds import ScreeningKind

        record_kinds.register(ScreeningKind())
