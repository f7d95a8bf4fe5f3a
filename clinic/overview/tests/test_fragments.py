"""Parts of records that no longer change are rendered once and reused (clinic.lib.fragments):
a signed session's entry, the pain chart, the course page's sessions, a new session's steps.
Whatever changes what they show (voiding, an addendum, the language, a role that sees less)
shows at once."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.services import add_addendum, sign_session, void_session
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(therapist):
    course = course_for(treatable_client(), by=therapist)
    for days_ago in (5, 4, 3):
        session = log(course, days_ago=days_ago, pain_before=7, pain_after=3)
        sign_session(session=session, by=therapist)
    return course


def page(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def timeline(html):
    return html.split('<ol class="list-unstyled timeline">', 1)[1].split("</ol>", 1)[0]


@pytest.fixture(params=["in process", "Redis"])
def cache_backend(request, settings):
    """The default cache, and Redis as several app servers share it (REDIS_URL), under a prefix
    of this test's own that is swept afterwards; skipped when no Redis answers here."""
    if request.param == "in process":
        yield
        return
    import redis

    server = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"clinic-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    yield
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_a_signed_sessions_entry_is_rendered_once_and_then_reused(
    client, therapist, course, cache_backend
):
    url = course.client.get_absolute_url()
    first, first_queries = page(client, therapist, url)
    again, queries = page(client, therapist, url)
    # The steps, their techniques and zones and the plans are not read again, and the entries
    # come back from the cache as the same HTML, not escaped.
    assert queries < first_queries
    assert timeline(again) == timeline(first)
    assert timeline(again).count("As planned.") == 3
    for session in course.sessions.all():
        assert f'<a href="{session.get_absolute_url()}">' in timeline(again)


def test_the_print_view_reuses_the_entries_the_client_page_rendered(client, therapist, course):
    _, first_queries = page(client, therapist, f"/clients/{course.client.pk}/print/")
    _, queries = page(client, therapist, f"/clients/{course.client.pk}/print/")
    assert queries < first_queries


def test_voiding_a_session_shows_at_once(client, therapist, course):
    url = course.client.get_absolute_url()
    before, _ = page(client, therapist, url)
    assert "Entered for the wrong client" not in before
    session = course.sessions.order_by("number").last()
    void_session(session=session, by=therapist, reason="Entered for the wrong client")
    after, _ = page(client, therapist, url)
    assert "Entered for the wrong client" in after
    assert after.count("Voided") > before.count("Voided")
    # Its pain chart counts one session fewer, its course page shows it voided.
    assert "Over 2 sessions" in after and "Over 3 sessions" in before
    rows, _ = page(client, therapist, course.get_absolute_url())
    assert rows.count("text-decoration-line-through") == 1


def test_an_addendum_shows_at_once(client, therapist, course):
    url = course.client.get_absolute_url()
    page(client, therapist, url)
    session = course.sessions.order_by("number").first()
    add_addendum(session=session, by=therapist, text="Called back: less pain at night.")
    after, _ = page(client, therapist, url)
    assert "Called back: less pain at night." in after


def test_each_language_has_its_own_fragment(client, therapist, course):
    url = course.client.get_absolute_url()
    english, _ = page(client, therapist, url)
    therapist.language = "ru"
    therapist.save(update_fields=["language"])
    russian, _ = page(client, therapist, url)
    assert "As planned." in english and "As planned." not in russian
    assert "По плану." in russian


def test_a_role_that_sees_less_never_gets_the_fragment_of_one_that_sees_more(
    client, therapist, reception, course
):
    url = course.client.get_absolute_url()
    page(client, therapist, url)  # rendered with the pain and the steps
    seen, _ = page(client, reception, url)
    assert "timeline-session" in seen
    assert "As planned." not in seen and "Pain 7 → 3" not in seen
    page(client, therapist, course.get_absolute_url())
    rows, _ = page(client, reception, course.get_absolute_url())
    assert "7 → 3" not in rows


def test_a_new_sessions_steps_are_rendered_once_per_plan(client, therapist, course):
    url = f"/clients/{course.client.pk}/courses/{course.pk}/sessions/new/"
    first, _ = page(client, therapist, url)
    again, _ = page(client, therapist, url)
    steps = first[first.index('id="step-1"') : first.index('id="new-step"')]
    assert steps in again


def test_the_pages_are_drawn_afresh_when_the_cache_does_not_answer(
    client, therapist, course, settings, caplog
):
    """Redis down: the cache only saves work, so every page is still whole."""
    url = course.client.get_absolute_url()
    whole, _ = page(client, therapist, url)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    afresh, _ = page(client, therapist, url)
    assert "The cache did not answer" in caplog.text
    assert afresh.count("As planned.") == whole.count("As planned.") == 3
    assert "Over 3 sessions" in afresh
    course_page, _ = page(client, therapist, course.get_absolute_url())
    for session in course.sessions.all():
        assert f'href="{session.get_absolute_url()}"' in course_page


def test_a_fragment_key_names_the_release_that_drew_it(monkeypatch):
    from clinic.lib import fragments

    before = fragments.key("timeline-session", 1, "v1")
    monkeypatch.setattr(fragments, "release", lambda: "another-release")
    assert fragments.key("timeline-session", 1, "v1") != before
