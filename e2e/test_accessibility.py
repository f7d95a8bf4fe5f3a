"""Every main page at the phone's, the tablet's and the front desk's width: no sideways
scrolling, and axe-core finds no serious or critical violation."""

import datetime

import pytest
from django.utils import timezone

from appointments.models import Appointment, Status
from clinic.tests.factories import ReferralNoteFactory
from e2e.conftest import accessibility_problems, shot, sign_in
from outcomes.models import MeasurePoint, When
from outcomes.tests.factories import odi, take
from screening.tests.factories import screen
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def records(clinic_admin):
    person = treatable_client(first_name="Irina", last_name="Lebedeva")
    screen(person, days_ago=0, pressure=(120, 80))
    course = course_for(person, by=clinic_admin)
    session = log(course, days_ago=0)
    # Questionnaires: the ODI taken at the baseline and after the session, the pain due.
    for instrument, when, number in [
        ("odi", When.BASELINE, None),
        ("odi", When.AFTER_SESSION, 1),
        ("pain", When.AFTER_SESSION, 1),
    ]:
        MeasurePoint.objects.create(
            template=course.template, instrument=instrument, when=when, session_number=number
        )
    take(course, clinic_admin, odi(25))
    answered = take(
        course, clinic_admin, odi(14), when=When.AFTER_SESSION, session_number=1, days_ago=0
    )
    appointments = {
        status: Appointment.objects.create(
            client=person,
            therapist=clinic_admin,
            course=course,
            session_number=number,
            starts_at=moment,
            ends_at=moment + datetime.timedelta(minutes=40),
            status=status,
            booked_by=clinic_admin,
        )
        for status, number, moment in [
            (Status.BOOKED, 2, timezone.now() + datetime.timedelta(days=1)),
            (Status.ARRIVED, 3, timezone.now() - datetime.timedelta(hours=1)),
            (Status.CANCELLED_BY_CLINIC, 4, timezone.now() + datetime.timedelta(days=1, hours=1)),
        ]
    }
    return {
        "appointments": appointments,
        "client": person,
        "course": course,
        "session": session,
        "note": ReferralNoteFactory(client=person),
        "consent": person.consents.get(),
        "response": answered,
        "due": MeasurePoint.objects.get(instrument="pain"),
    }


def signing(person, method):
    """The signing page, reached as staff reach it: the details first (they are kept in the
    session, never in the address)."""

    def open_page(page):
        page.goto(f"/clients/{person.pk}/consents/new/")
        page.get_by_label("Massage type").select_option("classic")
        page.locator(f"input[name=method][value={method}]").check()
        page.get_by_role("button", name="Show the text").click()
        page.wait_for_url("**/consents/sign/")

    return open_page


def series_preview(person, course):
    """The series page with its preview, as reception reaches it."""

    def open_page(page):
        page.goto(f"/clients/{person.pk}/courses/{course.pk}/appointments/series/")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        page.locator("input[name=first_day]").fill(tomorrow.strftime("%d.%m.%Y"))
        page.locator("input[name=time]").fill("10:00")
        page.locator("input[name=every_days]").fill("2")
        page.locator("button[value=preview]").click()
        page.wait_for_selector("[data-slot]")

    return open_page


def pages(records):
    person, course, session = records["client"], records["course"], records["session"]
    booked = records["appointments"][Status.BOOKED]
    arrived = records["appointments"][Status.ARRIVED]
    cancelled = records["appointments"][Status.CANCELLED_BY_CLINIC]
    appointment = f"/clients/{person.pk}/appointments/"
    questionnaire = f"/clients/{person.pk}/courses/{course.pk}/questionnaires/{records['due'].pk}/"
    return {
        "start page": "/",
        "client list": "/clients/?q=lebedeva",
        "client page": person.get_absolute_url(),
        "print view": f"/clients/{person.pk}/print/",
        "new client form": "/clients/new/",
        "client form": f"/clients/{person.pk}/edit/",
        "referral form": f"/clients/{person.pk}/referrals/new/",
        "referral note": records["note"].get_absolute_url(),
        "screening form": f"/clients/{person.pk}/screenings/new/",
        "course form": f"/clients/{person.pk}/courses/new/",
        "course page": course.get_absolute_url(),
        "plan form": f"/clients/{person.pk}/courses/{course.pk}/plan/",
        "session form": f"/clients/{person.pk}/courses/{course.pk}/sessions/new/",
        "session page": session.get_absolute_url(),
        "password form": "/accounts/password/",
        "consent details": f"/clients/{person.pk}/consents/new/",
        "consent signing": signing(person, "screen"),
        "consent on paper": signing(person, "paper"),
        "signed consent": records["consent"].get_absolute_url(),
        "consent withdrawal": f"{records['consent'].get_absolute_url()}withdraw/",
        "questionnaire on the tablet": f"{questionnaire}tablet/",
        "questionnaire to review": f"{questionnaire}tablet/?screen=1",
        "questionnaire on paper": f"{questionnaire}paper/",
        "questionnaire response": records["response"].get_absolute_url(),
        "questionnaire correction": f"{records['response'].get_absolute_url()}correct/",
        "calendar feed": "/calendar/",
        "no-show figures": "/reports/attendance/",
        "day of appointments": f"/day/?on={timezone.localdate() + datetime.timedelta(days=1)}",
        "week of appointments": "/week/",
        "booking form": f"/clients/{person.pk}/courses/{course.pk}/appointments/new/",
        "series form": f"/clients/{person.pk}/courses/{course.pk}/appointments/series/",
        "series preview": series_preview(person, course),
        "moving an appointment": f"{appointment}{booked.pk}/move/",
        "cancelling an appointment": f"{appointment}{booked.pk}/cancel/",
        "rebooking": f"{appointment}{cancelled.pk}/rebook/",
        "session from an appointment": f"{appointment}{arrived.pk}/session/",
    }


def test_the_sign_in_page(page, browser, db):
    page.goto("/accounts/login/")
    assert accessibility_problems(browser, page) == []


def test_errors_on_a_refused_form_are_announced(page, browser, clinic_admin, records):
    sign_in(page, "clinic-admin")
    page.goto("/clients/new/")
    page.get_by_label("Given name").fill("Olga")
    page.get_by_label("Surname").fill("Egorova")
    page.get_by_label("Date of birth").fill("01.01.1980")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Phone").fill("call me")  # refused by the server, not the browser
    page.get_by_role("button", name="Save client").click()
    alert = page.get_by_role("alert").first
    assert "Nothing was saved" in alert.inner_text()
    assert accessibility_problems(browser, page) == []


WIDTHS = {"phone": 390, "tablet": 820, "front desk": 1366}


def overflow(page):
    """How far the page reaches past the screen's right edge, in px (0: nothing to scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_every_main_page_fits_the_phone_the_tablet_and_the_front_desk(
    page, browser, clinic_admin, records
):
    sign_in(page, "clinic-admin")
    too_wide, problems = {}, {}
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages(records).items():
            url(page) if callable(url) else page.goto(url)
            shot(page, f"{width}-{name.replace(' ', '-')}")
            if found := accessibility_problems(browser, page):
                problems[f"{name} on the {device}"] = found
            if name == "client list":
                # The answer to "may I treat today?" is on the screen at every width.
                answer = page.locator("td.eligibility").first.bounding_box()
                assert answer and answer["x"] + answer["width"] <= width, (device, answer)
            if (extra := overflow(page)) > 0:
                too_wide[f"{name} on the {device}"] = (
                    extra,
                    page.evaluate(
                        """() => [...document.querySelectorAll('main *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
                    ),
                )
    assert too_wide == {}, "\n".join(f"{page}: {wide}" for page, wide in too_wide.items())
    assert problems == {}
