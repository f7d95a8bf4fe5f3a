"""Load the conditions the clinic treats (domain.md) and start the client record numbers."""

from django.db import migrations

CONDITIONS = [
    ("Osteochondrosis", "M42"),
    ("Intervertebral disc hernia", "M51"),
    ("Scoliosis", "M41"),
    ("Neuralgia", "M79.2"),
    ("Muscle spasm", "M62.8"),
    ("Ligament injury", "S33"),
    ("Headache (accompanying complaint)", "R51"),
]


def load(apps, schema_editor):
    Condition = apps.get_model("clinic", "Condition")
    RecordCounter = apps.get_model("clinic", "RecordCounter")
    for position, (name, icd10) in enumerate(CONDITIONS, start=1):
        Condition.objects.get_or_create(name=name, defaults={"icd10": icd10, "position": position})
    RecordCounter.objects.get_or_create(series="client")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
