from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Contraindication screening"

    def ready(self):
        from clinic.lib import record_kinds
        from screening.kinds import ScreeningKind

        record_kinds.register(ScreeningKind())
