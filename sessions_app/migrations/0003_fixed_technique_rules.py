"""Which techniques open and close a session, and which zones allow light work only, become
rules of the code: catalogues a clinic had changed are put back in line first, then the
database holds them there."""

from django.db import migrations, models


RELAXING = ["stroking", "shaking"]
NEVER_RELAXING = ["kneading", "rubbing", "vibration", "push_ups", "fist_crest_stretch"]
LIGHT_ONLY = ["kidney_area", "heart_projection"]
LIGHT = 1


def put_catalogues_in_line(apps, schema_editor):
    Technique = apps.get_model("sessions_app", "Technique")
    Zone = apps.get_model("sessions_app", "Zone")
    Technique.objects.filter(code__in=RELAXING).update(is_relaxing=True)
    Technique.objects.filter(code__in=NEVER_RELAXING).update(is_relaxing=False)
    Zone.objects.filter(code__in=LIGHT_ONLY).update(max_intensity=LIGHT)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0002_catalogues_and_templates"),
    ]

    operations = [
        migrations.RunPython(put_catalogues_in_line, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="historicaltechnique",
            name="opens_session",
        ),
        migrations.RemoveField(
            model_name="technique",
            name="opens_session",
        ),
        migrations.AlterField(
            model_name="historicaltechnique",
            name="is_relaxing",
            field=models.BooleanField(
                default=False,
                help_text="May close a session (final stage). Said when the technique is added, and fixed from then on.",
                verbose_name="relaxing",
            ),
        ),
        migrations.AlterField(
            model_name="technique",
            name="is_relaxing",
            field=models.BooleanField(
                default=False,
                help_text="May close a session (final stage). Said when the technique is added, and fixed from then on.",
                verbose_name="relaxing",
            ),
        ),
        migrations.AddConstraint(
            model_name="technique",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_relaxing", True),
                    models.Q(("code__in", ("stroking", "shaking")), _negated=True),
                    _connector="OR",
                ),
                name="sessions_app_technique_stroking_shaking_relax",
                violation_error_message="Stroking and shaking are always relaxing.",
            ),
        ),
        migrations.AddConstraint(
            model_name="technique",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_relaxing", False),
                    models.Q(
                        (
                            "code__in",
                            ("kneading", "rubbing", "vibration", "push_ups", "fist_crest_stretch"),
                        ),
                        _negated=True,
                    ),
                    _connector="OR",
                ),
                name="sessions_app_technique_never_relaxing",
                violation_error_message="Kneading, rubbing, vibration, push-ups and fist-crest stretching are never relaxing.",
            ),
        ),
        migrations.AddConstraint(
            model_name="zone",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("max_intensity", 1),
                    models.Q(("code__in", ("kidney_area", "heart_projection")), _negated=True),
                    _connector="OR",
                ),
                name="sessions_app_zone_kidney_heart_light",
                violation_error_message="The kidney area and the heart projection allow light work only.",
            ),
        ),
    ]
