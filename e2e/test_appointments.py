"""The clinic's day in the browser: reception books a ten-session course as a series, the
therapist opens the day, marks the client's arrival and logs the session from the
appointment, which it completes."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment, OpeningHours, Status, WorkingHours
from e2e.conftest import shot, sign_in
from sessions_app.models import Session
from sessions_app.tests.factories import course_for, treatable_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reception_books_a_series_and_the_therapist_logs_the_session_from_the_day(
    page, browser, reception, therapist
):
    # Open every day, so that the test runs on any day of the week.
    for weekday in range(7):
        OpeningHours.objects.create(weekday=weekday, opens="07:00", closes="21:00")
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, starts="08:00", ends="20:00"
        )
    person = treatable_client(first_name="Nadezhda", last_name="Orlova")
    course = course_for(person, by=therapist, start_days_ago=1, planned=10)

    sign_in(page, "reception")
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="Book the remaining sessions").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("input[name=first_day]").fill(tomorrow.strftime("%d.%m.%Y"))
    page.locator("input[name=time]").fill("10:00")
    page.locator("input[name=every_days]").fill("1")
    page.locator("button[value=preview]").click()
    expect(page.locator("[data-slot]")).to_have_count(10)
    expect(page.locator("[data-problem]")).to_have_count(0)
    shot(page, "appointments-1-series-preview")
    page.locator("button[value=book]").click()
    page.wait_for_url(re.compile(rf"/courses/{course.pk}/$"))
    booked = Appointment.objects.filter(course=course, status=Status.BOOKED)
    assert sorted(booked.values_list("session_number", flat=True)) == list(range(1, 11))
    expect(page.locator("[data-course-appointments] [data-appointment]")).to_have_count(10)

    # The day of the first one comes: it began an hour ago (today, whatever the hour).
    first = booked.get(session_number=1)
    now = timezone.localtime().replace(second=0, microsecond=0)
    starts = max(now - datetime.timedelta(hours=1), now.replace(hour=0, minute=0))
    Appointment.objects.filter(pk=first.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(minutes=40)
    )

    page.context.clear_cookies()
    sign_in(page, "therapist")
    page.get_by_role("link", name="Day", exact=True).click()
    row = page.locator(f'[data-appointment="{first.pk}"]')
    expect(row).to_contain_text("Orlova")
    expect(row.locator("[data-eligibility]")).to_contain_text("May be treated")
    row.locator("[data-action=arrived]").click()
    expect(row.locator("[data-action=log_session]")).to_be_visible()
    shot(page, "appointments-2-day-arrived")
    row.locator("[data-action=log_session]").click()
    expect(page.locator(f'[data-appointment="{first.pk}"]')).to_contain_text(
        "Logging the session completes the appointment."
    )
    page.get_by_label("Pain before").fill("6")
    page.get_by_label("Pain after").fill("3")
    page.get_by_label("Well").check()
    page.get_by_role("button", name="Log session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.get(course=course)
    first.refresh_from_db()
    assert (first.status, first.session) == (Status.COMPLETED, session)
    assert session.performed_at == starts
    expect(page.get_by_text("In the appointment of")).to_be_visible()
