"""The client's history on one page: order, content, filters, pages, and what each role sees."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinic.models import Client

# Every kind of record the demo client's history holds (the appointment: today's, booked by
# the demo).
DEMO_KINDS = [
    "referral",
    "consent",
    "screening",
    "course",
    "session",
    "addendum",
    "response",
    "appointment",
]


@pytest.fixture
def petrova(db, settings):
    settings.DEBUG = True  # seed_demo is for local use
    call_command("seed_demo")
    return Client.objects.get(last_name="Petrova")


def timeline_of(client, user, person, **params):
    user.refresh_from_db()  # seed_demo may have reset the demo account's password
    client.force_login(user)
    response = client.get(person.get_absolute_url(), params)
    assert response.status_code == 200
    return response


def test_the_timeline_holds_every_kind_of_record_newest_first(client, petrova, therapist):
    entries = timeline_of(client, therapist, petrova).context["timeline"].object_list
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)
    assert {entry.kind for entry in entries} == set(DEMO_KINDS)
    sessions = [e.record.number for e in entries if e.kind == "session"]
    assert sessions == [6, 5, 4, 3, 2, 1]


def test_a_session_entry_shows_its_steps_pain_and_tolerance(client, petrova, therapist):
    page = timeline_of(client, therapist, petrova).content.decode()
    assert "Pain 3 → 1" in page
    assert "tolerated well" in page
    assert "Introductory: gluteal stretch (gluteal zone, light), " in page
    # stage by stage, in order
    assert page.index("Introductory: ") < page.index("; Main: ") < page.index("; Final: ")
    assert "The client rang the next day" in page  # the addendum


@pytest.mark.parametrize("kind", DEMO_KINDS)
def test_the_timeline_filters_by_kind(client, petrova, therapist, kind):
    entries = timeline_of(client, therapist, petrova, kind=kind).context["timeline"].object_list
    assert entries and {entry.kind for entry in entries} == {kind}


def test_a_voided_session_appears_as_a_void(client, therapist, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    popova = Client.objects.get(last_name="Popova")
    entries = timeline_of(client, therapist, popova, kind="void").context["timeline"].object_list
    assert [entry.record.void_reason for entry in entries] == ["Logged twice by mistake."]


def test_long_histories_are_paged_without_overlap(client, therapist, petrova, monkeypatch):
    from clinic.overview import views

    everything = list(timeline_of(client, therapist, petrova).context["timeline"].object_list)
    assert len(everything) > 10
    monkeypatch.setattr(views, "TIMELINE_PAGE", 10)
    first = timeline_of(client, therapist, petrova).context["timeline"]
    second = timeline_of(client, therapist, petrova, page=2).context["timeline"]
    assert first.paginator.num_pages == -(-len(everything) // 10)
    assert list(first.object_list) + list(second.object_list) == everything[:20]


def test_records_of_the_same_moment_are_listed_newest_row_first(client, therapist):
    from sessions_app.tests.factories import course_for, log, treatable_client

    course = course_for(treatable_client(), by=therapist)
    moment = timezone.now() - datetime.timedelta(hours=2)
    log(course, performed_at=moment)
    log(course, performed_at=moment)
    entries = timeline_of(client, therapist, course.client, kind="session").context["timeline"]
    assert [entry.record.number for entry in entries] == [2, 1]


def test_reception_sees_dates_and_decisions_but_no_clinical_detail(client, petrova, reception):
    response = timeline_of(client, reception, petrova)
    kinds = {entry.kind for entry in response.context["timeline"].object_list}
    # Reception takes consents and books appointments, so it reads them too.
    assert kinds == {"referral", "consent", "course", "session", "appointment"}
    page = response.content.decode()
    assert "Pain 3 → 1" not in page
    assert "The client rang the next day" not in page
    assert response.context["pain"] is None and response.context["body"] is None
