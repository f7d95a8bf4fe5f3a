"""Load the ten contraindications of domain.md; clinic admins extend the list in the admin."""

from django.db import migrations

ITEMS = [
    ("purulent", "Purulent processes", "Anywhere in the body, not only at the site."),
    ("infection", "Infectious or fungal disease", ""),
    ("coagulation", "Poor blood coagulability", "Bleeding disorders, anticoagulant treatment."),
    (
        "hypertension",
        "Hypertension",
        "Also present when the measured pressure is at or above the clinic limit.",
    ),
    ("tuberculosis", "Tuberculosis", ""),
    ("acute_inflammation", "Acute inflammatory process", ""),
    ("injury_bleeding", "Injuries or bleeding", ""),
    ("osteomyelitis", "Chronic osteomyelitis", ""),
    ("tumour", "Tumours, benign or malignant", ""),
    ("mental_disorder", "Mental disorders", ""),
]


def load(apps, schema_editor):
    Contraindication = apps.get_model("screening", "Contraindication")
    for position, (code, name, description) in enumerate(ITEMS, start=1):
        Contraindication.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
