"""The ten contraindications are always asked: any that a clinic had retired is asked again,
then the database refuses to retire them."""

from django.db import migrations, models


TEN = [
    "purulent",
    "infection",
    "coagulation",
    "hypertension",
    "tuberculosis",
    "acute_inflammation",
    "injury_bleeding",
    "osteomyelitis",
    "tumour",
    "mental_disorder",
]


def ask_the_ten_again(apps, schema_editor):
    Contraindication = apps.get_model("screening", "Contraindication")
    Contraindication.objects.filter(code__in=TEN).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_contraindication_catalogue"),
    ]

    operations = [
        migrations.RunPython(ask_the_ten_again, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contraindication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_active", True),
                    models.Q(
                        (
                            "code__in",
                            (
                                "purulent",
                                "infection",
                                "coagulation",
                                "hypertension",
                                "tuberculosis",
                                "acute_inflammation",
                                "injury_bleeding",
                                "osteomyelitis",
                                "tumour",
                                "mental_disorder",
                            ),
                        ),
                        _negated=True,
                    ),
                    _connector="OR",
                ),
                name="screening_contraindication_ten_always_asked",
                violation_error_message="The ten contraindications are always asked.",
            ),
        ),
    ]
