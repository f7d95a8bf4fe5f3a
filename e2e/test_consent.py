"""Informed consent at the couch: the client signs on the tablet with a finger, the therapist
countersigns, and the client who was "consent missing" may be treated today."""

import pytest
from playwright.sync_api import expect

from consent.models import Consent
from consent.tests.factories import sample_texts
from e2e.conftest import sign_in, sign_the_box
from e2e.test_tablet import SMALL_CONTROLS, TABLET
from sessions_app.tests.factories import treatable_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_client_signs_on_the_tablet_and_may_then_be_treated(page, therapist):
    sample_texts()
    person = treatable_client(first_name="Irina", last_name="Lebedeva", consented=False)
    page.set_viewport_size(TABLET)
    sign_in(page, "therapist")
    page.goto(person.get_absolute_url())
    banner = page.locator("#eligibility-heading").locator("..")
    expect(banner.get_by_role("heading")).to_have_text("Not to be treated today")
    expect(banner.locator('[data-code="no_consent"]')).to_be_visible()

    banner.get_by_role("link", name="Take consent").click()
    page.get_by_label("Massage type").select_option(label="Classic")
    page.get_by_role("button", name="Show the text").click()
    expect(page.locator(".consent-text")).to_contain_text("Irina Lebedeva")
    assert page.evaluate(SMALL_CONTROLS) == []

    # Sending before signing is refused on the box, and nothing is kept.
    sign_the_box(page, "#countersignature-canvas")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Irina Lebedeva has not signed")).to_be_visible()
    assert not Consent.objects.exists()

    sign_the_box(page, "#signature-canvas")
    sign_the_box(page, "#countersignature-canvas")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent to treatment")
    expect(page.locator("img.signature-image")).to_have_count(2)
    # Both signatures are served back and drawn (waited for: images load after the page).
    page.wait_for_function(
        """() => [...document.querySelectorAll('img.signature-image')]
        .every(img => img.complete && img.naturalWidth > 0)"""
    )

    consent = Consent.objects.get()
    assert consent.countersigned_by == therapist and consent.intact
    page.goto(person.get_absolute_url())
    expect(page.locator("#eligibility-heading")).to_have_text("May be treated today")
