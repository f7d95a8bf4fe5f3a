"""A signed consent and its withdrawal are written once. The models refuse a second save; these
triggers refuse an UPDATE from any other path too (raw SQL, a script, a careless migration), on
PostgreSQL and on SQLite alike. Rows are still inserted, and removed with their table."""

from django.db import migrations

TABLES = ("consent_consent", "consent_withdrawal")
MESSAGE = "A signed consent and its withdrawal never change."


def create(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE FUNCTION consent_refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_never_changes BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION consent_refuse_update()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_never_changes BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def drop(apps, schema_editor):
    run = schema_editor.execute
    for table in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            run(f"DROP TRIGGER IF EXISTS {table}_never_changes ON {table}")
        else:
            run(f"DROP TRIGGER IF EXISTS {table}_never_changes")
    if schema_editor.connection.vendor == "postgresql":
        run("DROP FUNCTION IF EXISTS consent_refuse_update()")


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
