"""Session numbers stay unique and gap-free when several people log at the same moment."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from sessions_app.models import Session
from sessions_app.tests.factories import course_for, log, treatable_client

WRITERS = 4
SESSIONS_EACH = 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite has one writer"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_logging_gives_gap_free_numbers_on_postgresql():
    course = course_for(treatable_client(), planned=WRITERS * SESSIONS_EACH)
    start = threading.Barrier(WRITERS)
    moment = timezone.now() - datetime.timedelta(days=1)
    failures = []

    def writer():
        try:
            start.wait()
            for _ in range(SESSIONS_EACH):
                # One moment for all: which writer gets the lock first is up to chance, and
                # sessions are refused only when dated before the one logged last.
                log(course, performed_at=moment)
        except Exception as error:  # reported below, with the thread's own error
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    numbers = sorted(Session.objects.filter(course=course).values_list("number", flat=True))
    assert numbers == list(range(1, WRITERS * SESSIONS_EACH + 1))
