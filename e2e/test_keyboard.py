"""The keyboard alone does a receptionist's first task: sign in, register a client, see the
record. Tab reaches every field and button in a sensible order; no mouse is used."""

import pytest
from playwright.sync_api import expect

from clinic.models import Client
from e2e.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What a screen reader would call the focused element: its label, else its own text (an
# <input type="submit"> shows its value).
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length && el.type !== "submit" ? el.labels[0].innerText : "";
  const own = el.type === "submit" ? el.value : el.innerText;
  return (label || el.getAttribute("aria-label") || own || "").trim();
}"""


def tab_to(page, name, limit=60):
    """Press Tab until the element called `name` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(FOCUSED_NAME).startswith(name):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{name!r} is not reached with the Tab key")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, reception):
    sign_in(page, "reception")
    page.goto("/clients/")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_NAME) == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_visible()  # shown on focus
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")  # the jump is the browser's, not at once


def test_reception_signs_in_and_registers_a_client_with_the_keyboard_only(page, reception):
    page.goto("/accounts/login/")
    tab_to(page, "Username")
    page.keyboard.type("reception")
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Register a client").first).to_be_visible()

    tab_to(page, "Register a client")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Register a client")).to_be_visible()
    tab_to(page, "Surname")
    page.keyboard.type("Kovaleva")
    tab_to(page, "Given name")
    page.keyboard.type("Zinaida")
    tab_to(page, "Date of birth")
    page.keyboard.type("04031971")  # day first, as people type it: 4 March 1971
    tab_to(page, "Sex")
    page.keyboard.press("ArrowDown")  # the first choice after the empty one
    tab_to(page, "Phone")
    page.keyboard.type("+7 916 555-00-11")
    tab_to(page, "Save client")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Zinaida Kovaleva")).to_be_visible()
    stored = Client.objects.get(last_name="Kovaleva")
    assert (stored.first_name, stored.date_of_birth.isoformat()) == ("Zinaida", "1971-03-04")
