"""The start page of each role, and its fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from consent.tests.factories import consent
from outcomes.models import MeasurePoint, When
from outcomes.tests.factories import odi, take
from screening.tests.factories import screen
from sessions_app.models import Course
from sessions_app.services import schedule_sessions
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db


def start_page(client, user):
    client.force_login(user)
    response = client.get(reverse("overview:home"))
    assert response.status_code == 200
    return response


def scheduled_course(therapist, **client_fields):
    course = course_for(treatable_client(**client_fields), by=therapist, start_days_ago=0)
    course.start_date = timezone.localdate()
    course.frequency_days = 1
    course.save()
    schedule_sessions(course=course)
    return course


def test_a_therapist_sees_the_day_the_week_and_their_courses(client, therapist):
    course = scheduled_course(therapist)
    someone_elses = scheduled_course(course_for(treatable_client()).therapist, first_name="Other")
    response = start_page(client, therapist)
    plan = response.context["plan"]
    assert [(v.course, v.number) for v in plan["today"]] == [(course, 1)]
    assert all(v.course == course for v in plan["week"])
    assert response.context["courses"] == [course]
    assert someone_elses.client.full_name not in response.content.decode()


def test_a_logged_session_marks_its_planned_visit_done(client, therapist):
    course = scheduled_course(therapist)
    log(course, days_ago=0)
    (visit,) = start_page(client, therapist).context["plan"]["today"]
    assert visit.done
    assert start_page(client, therapist).context["logged_today"][0].course == course


def test_clearances_ending_and_screenings_due_are_flagged(client, therapist):
    person = ClientFactory(first_name="Vera")
    today = timezone.localdate()
    ReferralNoteFactory(
        client=person,
        consult_date=today - datetime.timedelta(days=80),
        valid_until=today + datetime.timedelta(days=5),
    )
    screen(person, days_ago=12)
    consent(person, days_ago=30)
    course_for(person, by=therapist)
    attention = start_page(client, therapist).context["attention"]
    (item,) = attention
    assert item["client"] == person
    assert {note.code for note in item["notes"]} == {"clearance_ending", "screening_due"}


def test_a_client_without_consent_is_listed_before_the_planned_session(client, therapist):
    person = treatable_client(first_name="Vera", consented=False)
    course_for(person, by=therapist, start_days_ago=-2)
    response = start_page(client, therapist)
    (item,) = response.context["attention"]
    assert item["client"] == person
    assert [note.code for note in item["notes"]] == ["no_consent"]
    assert "No informed consent to treatment" in response.content.decode()


def test_reception_sees_recent_clients_and_those_waiting_for_a_referral(
    client, reception, therapist
):
    waiting = ClientFactory(first_name="Waiting")
    cleared = treatable_client(first_name="Cleared")
    scheduled_course(therapist)
    response = start_page(client, reception)
    assert waiting in response.context["without_referral"]
    assert cleared not in response.context["without_referral"]
    assert "plan" not in response.context and "weekly" not in response.context
    assert "Waiting for a specialist" in response.content.decode()


def test_a_clinic_admin_sees_the_whole_clinic_and_sessions_per_therapist_per_week(
    client, clinic_admin, therapist
):
    mine = course_for(treatable_client(), by=therapist)
    theirs = course_for(treatable_client(first_name="Boris"), by=clinic_admin)
    for days_ago in (9, 8, 1):
        log(mine, days_ago=days_ago)
    log(theirs, days_ago=1)
    response = start_page(client, clinic_admin)
    assert {c.pk for c in response.context["courses"]} == {mine.pk, theirs.pk}
    rows = {row["therapist"]: row for row in response.context["weekly"]["rows"]}
    assert rows[therapist.get_full_name()]["total"] == 3
    assert rows[clinic_admin.get_full_name()]["total"] == 1
    assert sum(bar["sessions"] for bar in rows[therapist.get_full_name()]["bars"]) == 3
    assert "Sessions per therapist per week" in response.content.decode()


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize(
    ("role", "queries"),
    [
        # (each count includes renewing the idle session: savepoint, update, release)
        # session, user, permissions (2), the role check, the most recent open courses and
        # their progress (2), the day's appointments, planned visits, how many are open,
        # sessions logged today, eligibility of their clients and the appointments' (6), the
        # access log of the clients shown, the questionnaires due (ended courses with a
        # follow-up, measure points: two while no plan has any); a clinic admin adds the
        # weekly counts and their therapists, recent clients and those waiting for a referral
        ("clinic_admin", 27),
        ("therapist", 23),
        # session, user, permissions (2), the role check, recent clients, waiting clients
        ("reception", 10),
    ],
)
def test_the_start_page_needs_the_same_queries_however_much_work(
    client, request, django_assert_num_queries, size, role, queries
):
    from appointments.models import Status

    user = request.getfixturevalue(role)
    for index in range(size):
        course = scheduled_course(user, first_name=f"Client{index}")
        log(course, days_ago=0)
        booked_today(course_for(treatable_client(), by=user), status=Status.BOOKED)
        ClientFactory(first_name=f"Waiting{index}")
    client.force_login(user)
    with django_assert_num_queries(queries):
        client.get(reverse("overview:home"))


def test_each_of_todays_sessions_is_one_tap_from_its_form(client, therapist, reception):
    course = scheduled_course(therapist)
    form = reverse("sessions_app:session_create", args=[course.client_id, course.pk])
    assert f'href="{form}"' in start_page(client, therapist).content.decode()
    # Once logged, the visit is done and offers no second session.
    log(course, days_ago=0)
    assert f'href="{form}"' not in start_page(client, therapist).content.decode()


@pytest.mark.parametrize("size", [1, 4])
def test_the_questionnaires_due_are_listed_in_the_same_queries_however_many(
    client, therapist, django_assert_num_queries, size
):
    for when, days in [(When.BASELINE, None), (When.FOLLOW_UP, 7)]:
        MeasurePoint.objects.create(
            template=standard_template(), instrument="odi", when=when, days_after=days
        )
    courses = [scheduled_course(therapist, first_name=f"Client{i}") for i in range(size)]
    # A course that ended ten days ago: its follow-up a week after the last session is due.
    ended = course_for(treatable_client(first_name="Ended"), by=therapist, planned=1)
    take(ended, therapist, odi(20))
    log(ended, days_ago=10)
    Course.objects.filter(pk=ended.pk).update(status=Course.Status.COMPLETED)
    client.force_login(therapist)
    # 21 without questionnaires, + the sessions' days, responses and skips of the schedule
    with django_assert_num_queries(25):
        response = client.get(reverse("overview:home"))
    due = {(item["course"].pk, item["point"].when) for item in response.context["questionnaires"]}
    assert due == {(course.pk, When.BASELINE) for course in courses} | {(ended.pk, When.FOLLOW_UP)}
    assert "Questionnaires due" in response.content.decode()


def test_the_questionnaires_due_at_one_point_of_a_course_are_one_line(client, therapist):
    for instrument in ("odi", "pain"):
        MeasurePoint.objects.create(
            template=standard_template(), instrument=instrument, when=When.BASELINE
        )
    course = scheduled_course(therapist, first_name="Baseline")
    response = start_page(client, therapist)
    [item] = response.context["questionnaires"]
    assert (item["course"], item["point"].when) == (course, When.BASELINE)
    assert sorted(item["names"]) == [
        "Oswestry Disability Index (ODI)",
        "Pain (numeric rating scale 0–10)",
    ]
    listed = response.content.decode().split("data-questionnaires-due>")[1].split("</ul>")[0]
    assert listed.count("<li") == 1
    assert "Oswestry Disability Index (ODI), Pain (numeric rating scale 0–10)" in listed


def test_a_completed_courses_discharge_stays_listed_until_taken(client, therapist):
    MeasurePoint.objects.create(template=standard_template(), instrument="odi", when=When.DISCHARGE)
    ended = course_for(treatable_client(first_name="Ended"), by=therapist, planned=1)
    log(ended, days_ago=3)
    Course.objects.filter(pk=ended.pk).update(status=Course.Status.COMPLETED)
    # More recently changed courses of the clinic do not push it off the list.
    for index in range(3):
        other = course_for(treatable_client(first_name=f"Other{index}"), by=therapist)
        Course.objects.filter(pk=other.pk).update(status=Course.Status.COMPLETED)
    listed = start_page(client, therapist).context["questionnaires"]
    assert [(item["course"], item["point"].when, item["names"]) for item in listed] == [
        (ended, When.DISCHARGE, ["Oswestry Disability Index (ODI)"])
    ]
    take(ended, therapist, odi(10), when=When.DISCHARGE, days_ago=0)
    assert start_page(client, therapist).context["questionnaires"] == []


def booked_today(course, *, status, by=None):
    """An appointment of the course today, after the therapist's others (never two at once)."""
    from appointments.models import Appointment

    earlier = Appointment.objects.filter(therapist=course.therapist).count()
    starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(0))
    ) + datetime.timedelta(minutes=41 * earlier)
    return Appointment.objects.create(
        client=course.client,
        therapist=course.therapist,
        course=course,
        session_number=1,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=40),
        status=status,
        booked_by=by or course.therapist,
    )


def test_a_therapists_day_comes_from_their_appointments_with_each_clients_eligibility(
    client, therapist
):
    from appointments.models import Status

    arrived = booked_today(
        course_for(treatable_client(first_name="Anna"), by=therapist), status=Status.ARRIVED
    )
    # A client who has not signed the consent: booked, but not to be treated today.
    unsigned = course_for(treatable_client(consented=False, first_name="Boris"), by=therapist)
    booked = booked_today(unsigned, status=Status.BOOKED)
    colleague = course_for(treatable_client(first_name="Vera"))
    booked_today(colleague, status=Status.BOOKED)

    response = start_page(client, therapist)

    assert [a.pk for a in response.context["appointments"]] == [arrived.pk, booked.pk]
    page = response.content.decode()
    log_from = reverse("appointments:log_session", args=[arrived.client_id, arrived.pk])
    arrival = reverse("appointments:arrived", args=[booked.client_id, booked.pk])
    assert f'href="{log_from}"' in page
    assert f'action="{arrival}"' in page
    assert response.context["appointments"][0].eligibility.allowed
    assert not response.context["appointments"][1].eligibility.allowed
    assert "Vera" not in page
    # The planned session of a booked course is not listed a second time.
    assert response.context["plan"]["today"] == []
