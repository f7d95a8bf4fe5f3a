"""Clinic admins see sign-in lockouts and lift them (deleting the attempts unlocks)."""

from django.db import migrations

from clinic.lib.role_grants import grant


def create(apps, schema_editor):
    grant(
        apps,
        {
            "Clinic admin": [
                "axes.view_accessattempt",
                "axes.delete_accessattempt",
                "axes.view_accessfailurelog",
                "axes.view_accesslog",
            ]
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0010_more_audited_views"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
