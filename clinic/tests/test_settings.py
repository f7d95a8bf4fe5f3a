"""Production start-up: missing secrets stop it with a clear message (the deploy check itself
runs with the front-end packages, in e2e/test_front_end.py).

And the README's Configuration table names exactly the environment variables the settings read.
"""

import os
import re
import runpy
import subprocess
import sys
from collections.abc import MutableMapping
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_start_stops_when_a_required_setting_is_missing(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG=0" in result.stderr


def test_a_typo_in_debug_is_an_error_not_a_silent_default():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


# Documented in the README's Configuration table although clinic/settings.py does not read
# them, each with the reason.
DOCUMENTED_BUT_NOT_SETTINGS = {
    "DEMO_PASSWORD": "read by the seed_demo command and the Makefile (make run), not the settings",
}


class RecordingEnviron(MutableMapping):
    """An os.environ that remembers every variable asked for, whether it is set or not."""

    def __init__(self, values):
        self.values = dict(values)
        self.asked = set()

    def __getitem__(self, key):
        # Mapping's get() and `in` come through here too.
        self.asked.add(key)
        return self.values[key]

    def __setitem__(self, key, value):
        self.values[key] = value

    def __delitem__(self, key):
        del self.values[key]

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)

    def copy(self):
        return dict(self.values)


def variables_the_settings_read(environment):
    """Run clinic/settings.py in a namespace of its own, under `environment` and nothing else.

    The live django.conf.settings is left alone; os.environ is put back afterwards.
    """
    path = Path(settings.BASE_DIR) / "clinic" / "settings.py"  # before os.environ is swapped
    recording = RecordingEnviron(environment)
    with mock.patch.object(os, "environ", recording):
        runpy.run_path(str(path))
    return recording.asked


def variables_in_the_readme():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        first_cell = line.split("|")[1]
        names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_readme_documents_every_variable_the_settings_read_and_no_other():
    read = set()
    # Each branch of the settings that reads the environment: local (DEBUG) and production, on
    # SQLite (the default; dj_database_url reads DATABASE_URL through os.environ) and PostgreSQL,
    # with the e2e database file and a proxy count given.
    for environment in [
        {},
        {"DJANGO_DEBUG": "1", "CLINIC_TEST_DATABASE_FILE": "/tmp/e2e.sqlite3"},
        PRODUCTION,
        {**PRODUCTION, "DATABASE_URL": "postgres://clinic@db-host:5432/clinic"},
        {**PRODUCTION, "DJANGO_PROXY_COUNT": "1"},
        {**PRODUCTION, "CLINIC_S3_BUCKET": "scans", "REDIS_URL": "redis://cache:6379/0"},
    ]:
        read |= variables_the_settings_read(environment)
    documented = variables_in_the_readme()

    assert "DJANGO_DEBUG" in read and "DATABASE_URL" in read, "the recording saw nothing"
    assert read - documented == set(), "read by clinic/settings.py, missing from the README"
    assert documented - read - set(DOCUMENTED_BUT_NOT_SETTINGS) == set(), (
        "in the README's Configuration table, read nowhere in clinic/settings.py"
    )
    # An exception that the settings have since started to read is no exception any more.
    assert read & set(DOCUMENTED_BUT_NOT_SETTINGS) == set()


def settings_under(environment):
    path = Path(settings.BASE_DIR) / "clinic" / "settings.py"
    with mock.patch.object(os, "environ", RecordingEnviron(environment)):
        return runpy.run_path(str(path))


def test_on_postgresql_no_request_waits_long_on_a_lock_or_a_query():
    database = settings_under({**PRODUCTION, "DATABASE_URL": "postgres://clinic@db/clinic"})[
        "DATABASES"
    ]["default"]
    options = database["OPTIONS"]
    # Both end well before gunicorn's 30 s kill, in the 503 page with Retry-After.
    assert "-c lock_timeout=5000" in options["options"]
    assert "-c statement_timeout=20000" in options["options"]
    assert options["connect_timeout"] == 5
    slow = settings_under(
        {**PRODUCTION, "DATABASE_URL": "postgres://db/c", "DJANGO_DB_STATEMENT_TIMEOUT": "0"}
    )
    assert "-c statement_timeout=0" in slow["DATABASES"]["default"]["OPTIONS"]["options"]


def test_one_server_keeps_its_cache_in_process_and_its_scans_on_disk():
    local = settings_under(PRODUCTION)
    assert local["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert local["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_several_servers_share_redis_and_object_storage_when_configured():
    shared = settings_under(
        {
            **PRODUCTION,
            "REDIS_URL": "redis://cache-host:6379/0",
            "CLINIC_S3_BUCKET": "clinic-scans",
            "CLINIC_S3_ENDPOINT_URL": "https://storage.example.org",
            "CLINIC_S3_REGION": "ru-central1",
        }
    )
    assert shared["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache-host:6379/0",
    }
    storage = shared["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "clinic-scans",
        "endpoint_url": "https://storage.example.org",
        "region_name": "ru-central1",
        "file_overwrite": False,
        "default_acl": None,
    }
    # Sessions (and so sign-ins, the consent in progress, the pending second factor) and the
    # sign-in lockouts stay in the database, which every server shares, on Redis or not.
    assert shared.get("SESSION_ENGINE", "django.contrib.sessions.backends.db").endswith(".db")
    assert shared.get("AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler").endswith(
        "AxesDatabaseHandler"
    )
