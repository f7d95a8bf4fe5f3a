"""At the couch: the session and screening forms on a tablet and a phone, controls a finger can
hit, and a session logged as planned, with a changed step, and refused on the right row."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in
from sessions_app.models import Session
from sessions_app.tests.factories import course_for, treatable_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}

# Every visible control of the page's main form smaller than 44 px, and its name. A radio or a
# checkbox is measured with its label: the two make the target.
SMALL_CONTROLS = """() => [...document.querySelectorAll(
    'main form input:not([type=hidden]), main form select, main form textarea, main form button')]
  .filter(el => el.offsetParent !== null)
  .map(el => {
    const choice = ['radio', 'checkbox'].includes(el.type);
    const target = choice ? (el.closest('.form-check, .answer-option') || el) : el;
    const box = target.getBoundingClientRect();
    return {name: el.name || el.textContent.trim(), height: Math.round(box.height)};
  })
  .filter(control => control.height < 44)"""


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(first_name="Irina", last_name="Lebedeva"), by=therapist)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_the_session_and_screening_forms_have_controls_a_finger_can_hit(
    page, therapist, course, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, "therapist")
    for url in (
        f"/clients/{course.client_id}/courses/{course.pk}/sessions/new/",
        f"/clients/{course.client_id}/screenings/new/",
    ):
        page.goto(url)
        assert page.evaluate(SMALL_CONTROLS) == [], url


def log_on_the_tablet(page, course):
    page.goto(f"/clients/{course.client_id}/courses/{course.pk}/sessions/new/")
    page.get_by_label("Pain before").fill("6")
    page.get_by_label("Pain after").fill("3")
    page.get_by_label("Well").check()


def test_a_therapist_logs_sessions_on_the_tablet(page, therapist, course):
    page.set_viewport_size(TABLET)
    sign_in(page, "therapist")

    # As planned: three inputs and a tap.
    log_on_the_tablet(page, course)
    page.get_by_role("button", name="Log session").click()
    expect(page.get_by_text("logged as a draft")).to_be_visible()

    # A refused step: the eighth row made deep over the kidney area is the row marked.
    log_on_the_tablet(page, course)
    page.locator("#id_form-7-zone").select_option(label="Kidney area")
    page.locator("#id_form-7-intensity").select_option(label="Deep")
    page.get_by_role("button", name="Log session").click()
    marked = page.locator("tr.table-danger")
    expect(marked).to_have_count(1)
    expect(marked).to_have_attribute("id", "step-8")
    expect(page.locator("#id_form-7-zone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_form-6-zone")).not_to_have_attribute("aria-invalid", "true")
    assert Session.objects.count() == 1

    # One changed step, within the rules: logged, and the history shows only that change.
    page.locator("#id_form-7-zone").select_option(label="Sacral zone")
    page.locator("#id_form-7-intensity").select_option(label="Light")
    page.get_by_role("button", name="Log session").click()
    expect(page.get_by_text("logged as a draft")).to_be_visible()
    page.goto(course.client.get_absolute_url())
    expect(page.get_by_text("As planned.")).to_have_count(1)
    expect(page.locator(".plan-differences li")).to_have_count(1)
    expect(page.locator(".plan-differences li")).to_contain_text(re.compile("sacral zone"))
