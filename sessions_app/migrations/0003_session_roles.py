"""Therapists and clinic admins plan courses and log, sign, amend and void sessions;
reception sees courses and session dates, not clinical notes."""

from django.db import migrations

from clinic.lib.role_grants import grant

CATALOGUES = ["technique", "zone", "plantemplate", "templatestep"]
CLINICAL = [
    "sessions_app.view_course",
    "sessions_app.add_course",
    "sessions_app.change_course",
    "sessions_app.view_session",
    "sessions_app.add_session",
    "sessions_app.change_session",
    "sessions_app.sign_session",
    "sessions_app.view_addendum",
    "sessions_app.add_addendum",
]

ROLE_PERMISSIONS = {
    "Reception": ["sessions_app.view_course"],
    "Therapist": CLINICAL + [f"sessions_app.view_{name}" for name in CATALOGUES],
    "Clinic admin": CLINICAL
    + [
        f"sessions_app.{action}_{name}"
        for name in CATALOGUES
        for action in ("view", "add", "change")
    ]
    + [
        f"sessions_app.view_historical{name}"
        for name in ["course", "coursestep", "session", "sessionstep", "addendum", *CATALOGUES]
    ],
}


def create(apps, schema_editor):
    grant(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0002_catalogues_and_templates"),
        ("clinic", "0002_roles"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
