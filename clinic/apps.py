from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic records")

    def ready(self):
        from clinic import roles
        from clinic.kinds import ReferralKind
        from clinic.lib import record_kinds
        from clinic.models import AccessLog

        record_kinds.register(ReferralKind())
        AccessLog.register_views(
            {
                "client_form": _("Client's edit form"),
                "back_office": _("Back office: a record"),
                "back_office_history": _("Back office: a record's history"),
                "back_office_list": _("Back office: a list of records"),
                "conflict": _("Edit conflict page"),
            }
        )
        # After every migrate, as contrib.auth creates permissions: the roles get exactly
        # what clinic.roles says.
        post_migrate.connect(roles.apply_after_migrate, sender=self, dispatch_uid="clinic.roles")
        from clinic.language import keep_the_language_chosen_before_sign_in

        user_logged_in.connect(
            keep_the_language_chosen_before_sign_in, dispatch_uid="clinic.language"
        )


class SignInAttemptsConfig(AxesConfig):
    """django-axes, named in the clinic's words in the back office."""

    verbose_name = _("Sign-in attempts")


class ClinicAdminConfig(AdminConfig):
    """The Django admin, with a site that only clinic admins may enter."""

    default_site = "clinic.admin_site.ClinicAdminSite"
