"""Therapists screen and read screenings; clinic admins also run the checklist catalogue.

Reception sees only the eligibility banner (the outcome and its reasons), not the answers,
readings and notes of a screening: they do not need them to book or file letters."""

from django.db import migrations

from clinic.lib.role_grants import grant

ROLE_PERMISSIONS = {
    "Reception": ["screening.view_contraindication"],
    "Therapist": [
        "screening.view_screening",
        "screening.add_screening",
        "screening.view_contraindication",
    ],
    "Clinic admin": [
        "screening.view_screening",
        "screening.add_screening",
        "screening.change_screening",
        "screening.view_historicalscreening",
        "screening.view_answer",
        "screening.change_answer",
        "screening.view_historicalanswer",
        "screening.view_contraindication",
        "screening.add_contraindication",
        "screening.change_contraindication",
        "screening.view_historicalcontraindication",
    ],
}


def create(apps, schema_editor):
    grant(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_contraindication_catalogue"),
        ("clinic", "0002_roles"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
