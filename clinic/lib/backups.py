"""Consistent copies of the clinic's database and uploaded scans, taken while the app runs.

A backup is a folder: `database.sqlite3` (SQLite's online backup) or `database.dump`
(pg_dump's custom format), and `media/` with the scans of referral letters.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_FOLDER = "media"


def database_file(folder):
    return Path(folder) / (SQLITE_FILE if connection.vendor == "sqlite" else POSTGRES_FILE)


def back_up(folder):
    """Write the database and the scans into `folder` (created; must not exist yet)."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    target = database_file(folder)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            # The online backup API copies a consistent snapshot while others keep writing.
            connection.connection.backup(copy)
        copy.close()
    else:
        run_postgres("pg_dump", "--format=custom", "--no-owner", f"--file={target}")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, folder / MEDIA_FOLDER)
    return target


def restore(folder):
    """Replace the database and the scans with those of the backup in `folder`."""
    folder = Path(folder)
    source = database_file(folder)
    if not source.exists():
        raise FileNotFoundError(f"{source} is not there: is this a backup of this database kind?")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
        backup.close()
    else:
        connections.close_all()  # pg_restore drops the tables this process may be reading
        run_postgres(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(source),
        )
    media = Path(settings.MEDIA_ROOT)
    if (folder / MEDIA_FOLDER).exists():
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(folder / MEDIA_FOLDER, media)


def run_postgres(program, *arguments):
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [
        program,
        f"--host={db.get('HOST') or 'localhost'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
        f"--dbname={db['NAME']}",
        *arguments,
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
