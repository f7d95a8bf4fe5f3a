"""Create the clinic's roles as groups with their permissions (domain.md, "Who uses it")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Reception": [
        "clinic.view_client",
        "clinic.add_client",
        "clinic.change_client",
        "clinic.archive_client",
        "clinic.view_condition",
    ],
    "Therapist": [
        "clinic.view_client",
        "clinic.change_client",
        "clinic.view_condition",
    ],
    "Clinic admin": [
        "clinic.view_client",
        "clinic.add_client",
        "clinic.change_client",
        "clinic.archive_client",
        "clinic.view_historicalclient",
        "clinic.view_condition",
        "clinic.add_condition",
        "clinic.change_condition",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "auth.change_group",
    ],
}


def create_all_permissions(apps):
    # Django creates permissions after the last migration has run; a fresh database needs
    # them now, so that the groups below can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, role_permissions):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def create_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
