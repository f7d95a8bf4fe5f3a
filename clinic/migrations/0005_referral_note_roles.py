"""Reception files and corrects referral notes; therapists read them; admins do everything."""

from django.db import migrations

from clinic.lib.role_grants import grant

ROLE_PERMISSIONS = {
    "Reception": [
        "clinic.view_referralnote",
        "clinic.add_referralnote",
        "clinic.change_referralnote",
    ],
    "Therapist": ["clinic.view_referralnote"],
    "Clinic admin": [
        "clinic.view_referralnote",
        "clinic.add_referralnote",
        "clinic.change_referralnote",
        "clinic.view_historicalreferralnote",
    ],
}


def create(apps, schema_editor):
    grant(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0004_referral_notes")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
