"""On PostgreSQL a therapist and a room are never booked twice at the same time, even by two
requests at the same moment: exclusion constraints over the appointments' time ranges (with
btree_gist, for the equality on the therapist and the room). A cancelled appointment frees
its time. SQLite has no such constraint; there the booking service refuses a clash inside a
transaction that holds SQLite's one write lock (IMMEDIATE), so two bookings cannot interleave."""

from django.db import migrations

HOLDING = "('booked', 'arrived', 'completed', 'no_show')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for column in ("therapist_id", "room_id"):
        name = f"appointments_no_two_at_once_{column.removesuffix('_id')}"
        run(
            f"ALTER TABLE appointments_appointment ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (status IN {HOLDING} AND {column} IS NOT NULL)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("therapist", "room"):
        schema_editor.execute(
            "ALTER TABLE appointments_appointment "
            f"DROP CONSTRAINT IF EXISTS appointments_no_two_at_once_{name}"
        )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
