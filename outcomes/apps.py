from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcome questionnaires")

    def ready(self):
        from clinic.lib import record_kinds
        from outcomes.extension import Questionnaires
        from outcomes.kinds import ResponseKind
        from sessions_app import extensions

        record_kinds.register(ResponseKind())
        extensions.register(Questionnaires())
