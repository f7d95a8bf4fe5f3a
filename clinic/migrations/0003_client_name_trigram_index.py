"""On PostgreSQL, a trigram index answers the name search (`name_key LIKE '%word%'`) without
reading every client: measured on 10,000 clients, 0.5 ms a query instead of 2 to 4 ms, and the
gap grows with the register. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
owner may create it. SQLite has no such index and scans; the index is not in the model state
because Django's GinIndex would be emitted on SQLite too."""

from django.db import migrations

INDEX = "clinic_client_name_key_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON clinic_client USING gin (name_key gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0002_conditions_and_record_counter")]

    operations = [migrations.RunPython(create_index, drop_index)]
