"""Browser tests: Debian's Chromium driven by Playwright, against the live test server.

`make e2e` runs them on a file-backed SQLite database and keeps screenshots; `make test`
runs them too when Chromium is there, and skips them with a message when it is not.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "e2e-screenshots"))
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-test-password"
# Playwright's sync API runs an event loop in this thread; the test code calling Django's ORM
# alongside it is still synchronous code, so Django's async guard is lifted for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the dev requirements bring it; without them the tests are skipped
    sync_playwright = None

MISSING = (
    "Browser tests skipped: Debian's Chromium is not installed (apt-get install -y chromium)"
    if not CHROMIUM.exists()
    else "Browser tests skipped: the playwright package is missing (make deps-dev)"
    if sync_playwright is None
    else None
)


def pytest_collection_modifyitems(config, items):
    if MISSING:
        for item in items:
            # Only the tests that drive the browser need it; those of the front-end packages
            # (test_front_end.py) run wherever node_modules is installed.
            if "e2e" in item.nodeid.split("/")[0] and "browser" in item.fixturenames:
                item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_report_header(config):
    return MISSING


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # No network beyond the test server on this machine, and no background chatter.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def sign_in(page, username, labels=("Username", "Password", "Sign in")):
    """Sign in on the sign-in page, whose words are `labels` in the page's language."""
    username_label, password_label, button = labels
    page.goto("/accounts/login/")
    page.get_by_label(username_label).fill(username)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/")


def sign_the_box(page, canvas):
    """A stroke across a signature box, as a finger or a stylus draws it."""
    page.locator(canvas).scroll_into_view_if_needed()
    box = page.locator(canvas).bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            box["x"] + 20 + step * (box["width"] - 40) / 11,
            box["y"] + box["height"] / 2 + (25 if step % 2 else -25),
        )
    page.mouse.up()


def consent_in_browser(page, show="Show the text", sign="Sign"):
    """From the consent page's details, as prefilled: show the text, both sign, and keep it."""
    page.get_by_role("button", name=show).click()
    sign_the_box(page, "#signature-canvas")
    sign_the_box(page, "#countersignature-canvas")
    page.get_by_role("button", name=sign, exact=True).click()
    page.wait_for_url(re.compile(r"/consents/\d+/$"))


def accessibility_problems(browser, page):
    """Serious and critical axe-core violations of the page open in `page`, with its cookies.

    axe is injected in a context of its own that may bypass the Content-Security-Policy
    (an injected script is inline); the page under test keeps its policy."""
    # At the page's own width: a layout for the phone is checked on the phone.
    context = browser.new_context(bypass_csp=True, base_url=page.url, viewport=page.viewport_size)
    context.add_cookies(page.context.cookies())
    checker = context.new_page()
    checker.goto(page.url)
    checker.add_script_tag(path=str(AXE))
    results = checker.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
