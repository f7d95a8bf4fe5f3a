from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic records"


class ClinicAdminConfig(AdminConfig):
    """The Django admin, with a site that only clinic admins may enter."""

    default_site = "clinic.admin_site.ClinicAdminSite"
