from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = _("Courses and sessions")

    def ready(self):
        from clinic.lib import record_kinds
        from sessions_app.kinds import AddendumKind, CourseKind, SessionKind, VoidKind

        for kind in (CourseKind(), SessionKind(), AddendumKind(), VoidKind()):
            record_kinds.register(kind)
