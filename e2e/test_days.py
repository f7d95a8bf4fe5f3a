"""Each role's day, through the pages only, in a real browser."""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from consent.tests.factories import sample_texts
from e2e.conftest import consent_in_browser, shot, sign_in
from screening.models import Contraindication
from sessions_app.models import Course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TODAY = timezone.localdate()


def test_reception_registers_a_client_files_a_clearance_and_finds_the_client(page, reception):
    sign_in(page, "reception")
    page.get_by_role("link", name="Register a client").first.click()
    page.get_by_label("Surname").fill("Kovaleva")
    page.get_by_label("Given name").fill("Zinaida")
    page.get_by_label("Date of birth").fill("04.03.1971")
    expect(page.get_by_text("4 March 1971 · ")).to_be_visible()  # read back before saving
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Phone").fill("+7 916 555-00-11")
    page.get_by_label("Presenting complaint").fill("Aching lower back after work.")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_role("heading", name="Zinaida Kovaleva")).to_be_visible()
    shot(page, "reception-1-client")

    page.get_by_role("link", name="Add referral note").click()
    page.get_by_label("Specialist name").fill("Dr I. V. Petrov")
    page.get_by_label("Consult date").fill(TODAY.strftime("%d.%m.%Y"))
    page.get_by_label("Diagnosis").fill("Lumbar osteochondrosis")
    page.get_by_label("Stage of the disease").select_option("chronic")
    page.get_by_label("Cleared for manual therapy").check()
    page.get_by_label("Scan of the letter").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 letter"}]
    )
    page.get_by_role("button", name="Save referral note").click()
    # Back on the client's page, with the next step offered.
    expect(page.get_by_text("Referral note saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Zinaida Kovaleva")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Dr I. V. Petrov")).first.click()
    expect(page.get_by_role("link", name="Open the scan")).to_be_visible()
    shot(page, "reception-2-referral")

    page.goto("/")
    page.get_by_label("Find a client").fill("kovaleva")
    page.get_by_role("button", name="Find client").click()
    expect(page.get_by_role("link", name="Zinaida Kovaleva")).to_be_visible()
    shot(page, "reception-3-search")


def screen_in_browser(page, client, *, hypertension, pressure):
    page.goto(client.get_absolute_url())
    page.get_by_role("link", name="New screening").click()
    for item in Contraindication.objects.active():
        found = hypertension and item.code == "hypertension"
        page.locator(
            f"input[name='item_{item.pk}'][value='{'present' if found else 'absent'}']"
        ).check()
    page.get_by_label("Systolic pressure").fill(str(pressure[0]))
    page.get_by_label("Diastolic pressure").fill(str(pressure[1]))
    page.get_by_role("button", name="Save screening").click()


def test_a_therapist_screens_plans_logs_fixes_signs_and_reviews(page, therapist):
    sample_texts()  # the clinic's consent texts, as the demo has them
    client = ClientFactory(first_name="Boris", last_name="Antonov")
    ReferralNoteFactory(client=client, consult_date=TODAY - datetime.timedelta(days=7))
    sign_in(page, "therapist")

    screen_in_browser(page, client, hypertension=True, pressure=(165, 100))
    expect(page.get_by_text("Contraindicated")).to_be_visible()
    shot(page, "therapist-1-screening-hypertension")

    page.goto(client.get_absolute_url())
    page.get_by_role("link", name="Plan a course").click()
    page.get_by_label("Plan template").select_option(label="Classic lumbosacral massage")
    page.get_by_label("Goal").fill("Sit through a working day without pain.")
    page.get_by_role("button", name="Save course").click()
    # No first session without the client's consent: the page to take it comes next.
    expect(page.get_by_text("Take the client's consent before the first session.")).to_be_visible()
    consent_in_browser(page)
    page.goto(Course.objects.get(client=client).get_absolute_url())
    expect(page.get_by_role("heading", name="Classic course")).to_be_visible()

    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Pain before").fill("6")
    page.get_by_label("Pain after").fill("3")
    page.get_by_label("Well").check()
    page.get_by_role("button", name="Log session").click()
    expect(page.get_by_text("found hypertension.")).to_be_visible()
    shot(page, "therapist-2-refused-hypertension")

    screen_in_browser(page, client, hypertension=False, pressure=(120, 80))
    expect(page.get_by_text("Clear", exact=True)).to_be_visible()
    page.goto(client.get_absolute_url())
    page.get_by_role("link", name="Classic course").first.click()
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Pain before").fill("6")
    page.get_by_label("Pain after").fill("3")
    page.get_by_label("Well").check()
    page.locator("#id_form-6-zone").select_option(label="Kidney area")
    page.locator("#id_form-6-intensity").select_option(label="Deep")
    page.get_by_role("button", name="Log session").click()
    # The refused row is marked, its refusal beside it; the summary links to it.
    row = page.locator("#step-7")
    expect(row).to_have_class(re.compile("table-danger"))
    expect(row.get_by_text("the kidney area allows")).to_be_visible()
    expect(page.locator("#id_form-6-zone")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("link", name=re.compile("kidney area, deep")).click()
    assert page.url.endswith("#step-7")
    expect(page.get_by_text("one of the first two, which are gentle").first).to_be_visible()
    shot(page, "therapist-3-kidney-rule")

    # A step added and one removed, without a page reload.
    rows = page.locator("tr[data-step-row]").count()
    page.get_by_role("button", name="Add a step").click()
    expect(page.locator("tr[data-step-row]")).to_have_count(rows + 1)
    expect(page.locator(f"#id_form-{rows}-stage")).to_be_focused()
    page.locator(f"#id_form-{rows}-stage").select_option(label="Final")
    page.locator(f"#id_form-{rows}-technique").select_option(label="Stroking")
    page.locator(f"#id_form-{rows}-zone").select_option(label="Lumbar zone")
    page.locator(f"#id_form-{rows}-repetitions").fill("2")
    page.locator(f"#id_form-{rows}-intensity").select_option(label="Light")
    page.locator(f"#id_form-{rows}-DELETE").check()
    expect(page.locator(f"#step-{rows + 1}")).to_have_class(re.compile("step-removed"))
    page.locator("#id_form-6-zone").select_option(label="Lumbar zone")
    page.locator("#id_form-6-intensity").select_option(label="Moderate")
    page.get_by_role("button", name="Log session").click()
    expect(page.get_by_text("logged as a draft")).to_be_visible()
    page.get_by_role("link", name="Sign").click()
    # Signing says what it locks, and asks first.
    expect(page.get_by_text("Signing locks the session")).to_be_visible()
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("It is now locked.")).to_be_visible()
    shot(page, "therapist-4-signed")

    page.goto(client.get_absolute_url())
    chart = page.locator("svg[aria-labelledby='pain-title pain-desc']")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)  # before and after of the one session
    expect(page.locator("figcaption").get_by_text("One session")).to_be_visible()
    shot(page, "therapist-5-history")


def test_a_clinic_admin_signs_in_with_a_second_factor_and_runs_the_back_office(
    page, clinic_admin, settings
):
    settings.CLINIC_ADMIN_2FA = True
    device = TOTPDevice.objects.create(user=clinic_admin, name="app", confirmed=True)
    client = ClientFactory(first_name="Vera", last_name="Guseva")
    sign_in(page, "clinic-admin")
    page.goto(client.get_absolute_url())  # a look the access log will show

    page.goto("/admin/")
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code from the authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Records, catalogues and users")).to_be_visible()
    shot(page, "admin-1-back-office")

    page.goto("/admin/sessions_app/technique/")
    page.get_by_role("link", name="Rubbing", exact=True).click()
    # Both languages side by side (django-modeltranslation).
    page.get_by_label("Description [en]").fill(
        "Displace and stretch the skin; about 100 moves a minute."
    )
    page.get_by_label("Description [ru]").fill(
        "Кожу смещают и растягивают; около 100 движений в минуту."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto("/admin/clinic/accesslog/")
    expect(page.get_by_role("link", name=str(client))).to_be_visible()
    shot(page, "admin-2-access-log")

    page.goto(f"/admin/clinic/client/{client.pk}/history/")
    expect(page.locator("table#change-history")).to_be_visible()  # django-simple-history's list
    shot(page, "admin-3-history")
