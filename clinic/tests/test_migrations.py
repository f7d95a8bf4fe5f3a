"""Data migrations that rewrite stored values, run on data as it was before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("clinic", "0004_private_scans")]
AFTER = [("clinic", "0005_names_phones_and_languages")]


# Serialized like the other tests that commit (test_numbering, the browser tests): the flush
# after it then leaves the restoring of the database's rows to them, instead of re-creating
# the roles under them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_names_and_phones_take_their_new_stored_form_and_no_record_is_lost():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    born = datetime.date(1970, 5, 17)
    Client = old.get_model("clinic", "Client")
    # Told apart only by the letter yo: one key once it reads as ye.
    Client.objects.create(
        record_number="C-000001",
        first_name="Анна",
        last_name="Фёдорова",
        name_key="фёдорова анна",
        date_of_birth=born,
        sex="female",
        phone="89161234567",
    )
    Client.objects.create(
        record_number="C-000002",
        first_name="Анна",
        last_name="Федорова",
        name_key="федорова анна",
        date_of_birth=born,
        sex="female",
        phone="+7 916 0",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("clinic", "Client")
    stored = {c.record_number: (c.name_key, c.phone) for c in new.objects.all()}
    assert stored == {
        # The one already stored under the new key keeps it; the other keeps its own.
        "C-000001": ("фёдорова анна", "+79161234567"),
        "C-000002": ("федорова анна", "+7 916 0"),  # not a number: left for the next edit
    }
    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
