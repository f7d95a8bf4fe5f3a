"""Clinic admins read the access log; nobody is given the right to change it."""

from django.db import migrations

from clinic.lib.role_grants import grant


def create(apps, schema_editor):
    grant(apps, {"Clinic admin": ["clinic.view_accesslog"]})


class Migration(migrations.Migration):
    dependencies = [("clinic", "0008_access_log")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
