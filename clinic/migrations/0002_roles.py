"""Create the clinic's roles as groups with their permissions (domain.md, "Who uses it")."""

from django.db import migrations

from clinic.lib.role_grants import grant

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


def create_roles(apps, schema_editor):
    grant(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
