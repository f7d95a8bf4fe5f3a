"""An outcome questionnaire at the couch: the client fills the ODI in on the tablet, a section
per screen, and the course page shows how far the disability moved since the baseline."""

import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.conftest import sign_in
from e2e.test_tablet import SMALL_CONTROLS, TABLET
from outcomes.models import MeasurePoint, Response, When
from outcomes.tests.factories import odi, take
from outcomes.tests.test_taking import ODI_WORDING
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_client_fills_the_odi_on_the_tablet_and_the_course_shows_the_change(
    page, therapist, tmp_path
):
    # The clinic's licensed wording (a stand-in here), loaded as a clinic admin would.
    wording = tmp_path / "odi-en.json"
    wording.write_text(json.dumps(ODI_WORDING), encoding="utf-8")
    call_command("load_questionnaire_texts", "odi", "en", str(wording))
    for when, number in [(When.BASELINE, None), (When.AFTER_SESSION, 1)]:
        MeasurePoint.objects.create(
            template=standard_template(), instrument="odi", when=when, session_number=number
        )
    person = treatable_client(first_name="Olga", last_name="Kuznetsova", language="en")
    course = course_for(person, by=therapist, start_days_ago=3)
    take(course, therapist, odi(25))  # 50 % at the baseline
    log(course, days_ago=1)

    page.set_viewport_size(TABLET)
    sign_in(page, "therapist")
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="Fill in on the tablet").click()
    expect(page.get_by_text("Page 1 of 10")).to_be_visible()
    assert page.evaluate(SMALL_CONTROLS) == []
    # Ten screens, one section each: the client taps a statement, then "Next".
    for number, section in enumerate(ODI_WORDING["items"], start=1):
        expect(page.get_by_text(f"Page {number} of 10")).to_be_visible()
        page.get_by_text(f"{section} statement 1", exact=True).click()
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Check your answers, then send them.")).to_be_visible()
    assert not Response.objects.filter(when=When.AFTER_SESSION).exists()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    page.get_by_role("link", name="Back to the course (staff)").click()
    row = page.locator('[data-results] tr[data-instrument="odi"]')
    expect(row.locator("[data-change]")).to_contain_text("-30")
    expect(row.locator("[data-change]")).to_contain_text("real improvement")
    assert Response.objects.get(when=When.AFTER_SESSION).score == 20
