"""Scans stored before uploads were written 0600 in 0700 folders become private too: they are
medical data, readable by the app's own system user only."""

import os
from pathlib import Path

from django.conf import settings
from django.db import migrations


def make_private(root):
    """Every folder under `root` 0700 and every file 0600 (the root itself included)."""
    root = Path(root)
    if not root.exists():
        return
    for folder, _, files in os.walk(root):
        os.chmod(folder, 0o700)
        for name in files:
            os.chmod(Path(folder) / name, 0o600)


def make_scans_private(apps, schema_editor):
    make_private(settings.MEDIA_ROOT)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0003_client_name_trigram_index")]

    operations = [migrations.RunPython(make_scans_private, migrations.RunPython.noop)]
