"""The kidney area and the heart projection stay in use: any a clinic had retired is put back,
then the database keeps them so."""

from django.db import migrations, models


def put_back_in_use(apps, schema_editor):
    Zone = apps.get_model("sessions_app", "Zone")
    Zone.objects.filter(code__in=["kidney_area", "heart_projection"]).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0004_session_form_token"),
    ]

    operations = [
        migrations.RunPython(put_back_in_use, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="zone",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_active", True),
                    models.Q(("code__in", ("kidney_area", "heart_projection")), _negated=True),
                    _connector="OR",
                ),
                name="sessions_app_zone_kidney_heart_in_use",
                violation_error_message="The kidney area and the heart projection stay in use.",
            ),
        ),
    ]
