"""Consistent copies of the clinic's database and uploaded scans, taken while the app runs.

A backup is a folder: `database.sqlite3` (SQLite's online backup) or `database.dump`
(pg_dump's custom format), and `media/` with the scans of referral letters and the
signatures and scans of consents.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_FOLDER = "media"


def database_file(folder):
    return Path(folder) / (SQLITE_FILE if connection.vendor == "sqlite" else POSTGRES_FILE)


def back_up(folder):
    """Write the database and the scans into `folder` (created; must not exist yet), readable
    by this system user only. A backup that fails half-way is removed."""
    folder = Path(folder)
    folder.mkdir(parents=True, mode=0o700)
    previous_umask = os.umask(0o077)  # health records: nobody else may read the copy
    try:
        target = database_file(folder)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                # The online backup API copies a consistent snapshot while others write.
                connection.connection.backup(copy)
            copy.close()
        else:
            run_postgres("pg_dump", "--format=custom", "--no-owner", f"--file={target}")
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.copytree(media, folder / MEDIA_FOLDER)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        os.umask(previous_umask)
    return target


def restore(folder):
    """Replace the database and the scans with those of the backup in `folder`.

    The scans are first copied next to the live folder, so that a failure there leaves
    everything as it was; then the database is replaced, then the scans are swapped in.
    """
    folder = Path(folder)
    source = database_file(folder)
    if not source.exists():
        raise FileNotFoundError(
            _("%(file)s is not there: is this a backup of this database kind?") % {"file": source}
        )
    media = Path(settings.MEDIA_ROOT)
    staged = None
    if (folder / MEDIA_FOLDER).exists():
        staged = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media.resolve().parent))
        shutil.copytree(folder / MEDIA_FOLDER, staged, dirs_exist_ok=True)
    try:
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
    except BaseException:
        if staged:
            shutil.rmtree(staged, ignore_errors=True)
        raise
    if staged:
        try:
            replace_contents(media, staged)
        except OSError as error:
            raise RuntimeError(
                _(
                    "The database was restored, but the scans were not: %(error)s. "
                    "The backup's scans are in %(staged)s; copy them into %(media)s."
                )
                % {"error": error, "staged": staged, "media": media}
            ) from error
        shutil.rmtree(staged, ignore_errors=True)


def replace_contents(media, staged):
    """Empty the live scans folder (which may be a link or a mount: it stays) and fill it."""
    media.mkdir(parents=True, exist_ok=True)
    for entry in media.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staged.iterdir():
        shutil.move(str(entry), media / entry.name)


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
