"""Granting permissions to the role groups from data migrations.

Each migration that adds models names, in its own frozen list, which role gets which of the
new permissions, so a role's rights are versioned with the code that checks them.
"""

from django.contrib.auth.management import create_permissions


def grant(apps, role_permissions):
    """Give each role group ("Reception", …) the listed "app_label.codename" permissions."""
    create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def create_all_permissions(apps):
    # Django creates permissions after the last migration has run; a fresh database needs
    # them now, so that the groups can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
