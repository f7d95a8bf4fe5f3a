"""Reception's calendar: the clinic's day by therapist with each client's eligibility and the
next steps, the week, and the arrivals and no-shows marked from them."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from appointments.models import Absence, Appointment, Room, Status
from appointments.services import book, change_status
from appointments.tests.factories import at, next_monday
from clinic.models import AccessLog
from clinic.tests.factories import ClientFactory
from screening.tests.factories import screen
from sessions_app.tests.factories import bulk_sessions, course_for, treatable_client

pytestmark = pytest.mark.django_db

DAY = reverse("appointments:day")
WEEK = reverse("appointments:week")


@pytest.fixture
def monday():
    # Taken before any test sets the clock: next_monday() reads it.
    return next_monday()


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(), by=therapist, planned=10)


def booking(therapist, hour, monday, *, course=None, client=None, minute=0, **fields):
    return book(
        client=client or course.client,
        therapist=therapist,
        course=course,
        session_number=fields.pop("session_number", 1 if course else None),
        starts_at=at(hour, minute, day=monday),
        by=therapist,
        **fields,
    )


def day_page(client, user, monday, **params):
    client.force_login(user)
    return client.get(DAY, {"on": monday.isoformat(), **params})


def items(response):
    """Each appointment listed on the page: (pk, the HTML of its item), in page order."""
    page = response.content.decode()
    starts = [m.start() for m in re.finditer(r'<li[^>]*data-appointment="', page)]
    return [
        (int(re.search(r'data-appointment="(\d+)"', page[s:]).group(1)), page[s:e])
        for s, e in zip(starts, [*starts[1:], len(page)], strict=True)
    ]


def actions(html):
    return re.findall(r'data-action="(\w+)"', html)


def section(response, user):
    """The HTML of one therapist's section of the day."""
    page = response.content.decode()
    start = page.index(f'data-therapist="{user.pk}"')
    end = page.find('data-therapist="', start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_day_lists_each_therapists_appointments_in_order_with_the_steps_their_status_allows(
    client, reception, therapist, clinic_admin, week, monday, course, clock
):
    room, _ = week
    later = booking(therapist, 11, monday, course=course, session_number=2, room=room)
    missed = booking(therapist, 9, monday, client=ClientFactory(), notes="Call before")
    here = booking(therapist, 10, monday, course=course)
    cancelled = booking(therapist, 12, monday, course=course, session_number=3)
    admins = booking(clinic_admin, 9, monday, client=ClientFactory())
    clock(at(10, 30, day=monday))
    change_status(appointment=here, status=Status.ARRIVED, by=reception)
    change_status(appointment=cancelled, status=Status.CANCELLED_BY_CLIENT, by=reception)

    response = day_page(client, reception, monday)

    assert response.status_code == 200
    mine = section(response, therapist)
    assert [pk for pk, _ in items(response) if f'data-appointment="{pk}"' in mine] == [
        missed.pk,
        here.pk,
        later.pk,
        cancelled.pk,
    ]
    assert f'data-appointment="{admins.pk}"' in section(response, clinic_admin)
    assert "09:00–18:00" in mine  # the therapist's hours that day
    shown = dict(items(response))
    # Booked and begun: arrival or a no-show; booked and still to come: no no-show yet.
    assert actions(shown[missed.pk]) == ["arrived", "no_show", "move", "cancel"]
    assert actions(shown[later.pk]) == ["arrived", "move", "cancel"]
    # Arrived: reception does not log sessions; cancelled with a course: rebooked.
    assert actions(shown[here.pk]) == []
    assert actions(shown[cancelled.pk]) == ["rebook"]
    assert course.client.full_name in shown[later.pk]
    assert course.client.get_absolute_url() in shown[later.pk]
    assert "session 2 of 10" in shown[later.pk] and "room 1" in shown[later.pk]
    assert "11:00–11:40" in shown[later.pk] and "Booked" in shown[later.pk]
    assert "Call before" in shown[missed.pk]
    # Each action comes back to this very page.
    assert f'name="next" value="{DAY}?on={monday.isoformat()}"' in shown[missed.pk]

    as_therapist = dict(items(day_page(client, therapist, monday)))
    assert actions(as_therapist[here.pk]) == ["log_session"]
    assert (
        reverse("appointments:log_session", args=[course.client_id, here.pk])
        in (as_therapist[here.pk])
    )


def test_an_appointment_without_a_course_is_not_rebooked_or_logged(
    client, therapist, week, monday, clock
):
    walk_in = booking(therapist, 9, monday, client=ClientFactory())
    clock(at(9, 30, day=monday))
    change_status(appointment=walk_in, status=Status.NO_SHOW, by=therapist)
    assert actions(dict(items(day_page(client, therapist, monday)))[walk_in.pk]) == []


def test_each_client_is_shown_eligible_or_not_with_the_first_reason(
    client, reception, therapist, week, monday, course
):
    cleared = booking(therapist, 9, monday, course=course)
    unreferred = ClientFactory()
    screen(unreferred)  # screened clear, but no specialist has cleared them
    waiting = booking(therapist, 10, monday, client=unreferred)

    shown = dict(items(day_page(client, reception, monday)))

    assert 'data-eligibility="eligible"' in shown[cleared.pk]
    assert "May be treated" in shown[cleared.pk]
    assert 'data-eligibility="not-eligible"' in shown[waiting.pk]
    assert 'data-code="no_referral"' in shown[waiting.pk]
    assert "No specialist&#x27;s referral note on or before" in shown[waiting.pk]
    assert "data-eligibility" in shown[cleared.pk] and "Not on this day" in shown[waiting.pk]


def test_the_page_records_whose_appointments_it_showed(
    client, reception, therapist, week, monday, course
):
    other = ClientFactory()
    booking(therapist, 9, monday, course=course)
    booking(therapist, 10, monday, client=other)
    booking(therapist, 9, monday + datetime.timedelta(days=1), client=ClientFactory())

    day_page(client, reception, monday)

    logged = AccessLog.objects.filter(user=reception, view="appointment_day")
    assert sorted(logged.values_list("client_id", flat=True)) == sorted(
        [course.client_id, other.pk]
    )
    assert all(logged.values_list("allowed", flat=True))


def test_a_therapist_chosen_shows_only_their_day_even_when_they_do_not_work(
    client, reception, therapist, clinic_admin, week, monday, course
):
    mine = booking(therapist, 9, monday, course=course)
    theirs = booking(clinic_admin, 9, monday, client=ClientFactory())

    response = day_page(client, reception, monday, therapist=clinic_admin.pk)

    assert [pk for pk, _ in items(response)] == [theirs.pk]
    assert f'data-therapist="{therapist.pk}"' not in response.content.decode()
    assert mine.pk not in [pk for pk, _ in items(response)]
    # A Saturday: nobody works, but the chosen therapist's day is still shown.
    saturday = day_page(
        client, reception, monday + datetime.timedelta(days=5), therapist=clinic_admin.pk
    )
    assert f'data-therapist="{clinic_admin.pk}"' in saturday.content.decode()
    assert "Not working this day" in saturday.content.decode()


def test_the_day_shows_who_works_and_who_is_away(
    client, reception, therapist, clinic_admin, week, monday
):
    Absence.objects.create(
        therapist=clinic_admin,
        kind=Absence.Kind.TRAINING,
        starts_at=at(13, day=monday),
        ends_at=at(18, day=monday + datetime.timedelta(days=2)),
    )
    response = day_page(client, reception, monday)
    assert f'data-therapist="{therapist.pk}"' in response.content.decode()
    admins = section(response, clinic_admin)
    assert 'data-absence="training"' in admins and "Training" in admins
    assert 'data-absence="' not in section(response, therapist)
    # Nobody works on Sunday and nothing is booked: no sections.
    sunday = day_page(client, reception, monday + datetime.timedelta(days=6))
    assert "data-therapist=" not in sunday.content.decode()


def test_the_times_are_the_clinics_local_times(client, reception, therapist, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    monday = next_monday()
    # 06:30 UTC is 09:30 in Moscow.
    moment = datetime.datetime.combine(monday, datetime.time(6, 30), tzinfo=datetime.UTC)
    Appointment.objects.create(
        client=ClientFactory(),
        therapist=therapist,
        starts_at=moment,
        ends_at=moment + datetime.timedelta(minutes=40),
        booked_by=therapist,
    )
    page = day_page(client, reception, monday).content.decode()
    assert "09:30–10:10" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"on": "2026-02-31"}, "Enter a valid date."),
        ({"on": "yesterday"}, "Enter a valid date."),
        ({"on": "0001-01-01"}, "Choose a day between"),
        ({"on": "9999-12-31"}, "Choose a day between"),
        ({"therapist": "abc"}, "Select a valid choice."),
        ({"therapist": "99999999999999999999999"}, "Select a valid choice."),
    ],
)
@pytest.mark.parametrize("url", [DAY, WEEK])
def test_a_day_or_therapist_that_cannot_be_read_is_refused_with_the_reason(
    client, reception, week, monday, url, params, message
):
    client.force_login(reception)
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.filter(user=reception).exists()


def test_only_people_who_treat_are_offered_as_therapists(client, reception, therapist, week):
    # Reception does not log sessions: not one of the therapists to choose.
    client.force_login(reception)
    response = client.get(DAY, {"therapist": reception.pk})
    assert response.status_code == 400


def test_no_day_given_is_today(client, reception, clock, week, therapist, monday):
    clock(at(8, day=monday))
    client.force_login(reception)
    response = client.get(DAY)
    assert response.status_code == 200
    assert response.context["on"] == monday
    assert monday.strftime("%d.%m.%Y") in response.content.decode()  # the box reads day first


def arrive(client, user, appointment, *, next_url=None, name="appointments:arrived"):
    client.force_login(user)
    return client.post(
        reverse(name, args=[appointment.client_id, appointment.pk]),
        {"next": next_url} if next_url is not None else {},
    )


def said(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_arrival_is_marked_kept_in_history_and_returns_to_the_page(
    client, reception, therapist, week, monday, course
):
    appointment = booking(therapist, 10, monday, course=course)
    back = f"{DAY}?on={monday.isoformat()}&therapist={therapist.pk}"

    response = arrive(client, reception, appointment, next_url=back)

    assert response.status_code == 302 and response.url == back
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED
    latest = appointment.history.first()
    assert (latest.status, latest.history_user) == (Status.ARRIVED, reception)
    assert appointment.history.count() == 2
    assert said(response) == [("success", f"{course.client.full_name} has arrived.")]


def test_a_wrong_change_of_status_is_refused_with_a_message_and_changes_nothing(
    client, reception, therapist, week, monday, course, clock
):
    appointment = booking(therapist, 10, monday, course=course)
    change_status(appointment=appointment, status=Status.CANCELLED_BY_CLINIC, by=reception)
    clock(at(10, 30, day=monday))

    for name in ("appointments:arrived", "appointments:no_show"):
        response = arrive(client, reception, appointment, name=name)
        assert response.status_code == 302
        level, message = said(response)[-1]  # the first's message is still unread
        assert level == "error" and "cancelled by the clinic cannot become" in message
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED_BY_CLINIC
    assert appointment.history.count() == 2


def test_a_no_show_is_refused_before_the_start_and_marked_after_it(
    client, reception, therapist, week, monday, course, clock
):
    appointment = booking(therapist, 10, monday, course=course)
    clock(at(9, 59, day=monday))

    early = arrive(client, reception, appointment, name="appointments:no_show")

    assert said(early) == [("error", "A no-show is marked once the appointment's time has begun.")]
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and appointment.history.count() == 1
    # Not offered on the page either.
    assert actions(dict(items(day_page(client, reception, monday)))[appointment.pk]) == [
        "arrived",
        "move",
        "cancel",
    ]

    clock(at(10, day=monday))
    marked = arrive(client, reception, appointment, name="appointments:no_show")

    assert said(marked)[-1] == ("success", f"{course.client.full_name} is marked as a no-show.")
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW
    assert [h.status for h in appointment.history.all()] == [Status.NO_SHOW, Status.BOOKED]


def test_the_service_refuses_a_no_show_before_the_start(therapist, week, monday, course, clock):
    appointment = booking(therapist, 10, monday, course=course)
    clock(at(9, 59, day=monday))
    with pytest.raises(ValidationError) as refused:
        change_status(appointment=appointment, status=Status.NO_SHOW, by=therapist)
    assert refused.value.error_list[0].code == "not_yet"
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


@pytest.mark.parametrize(
    "next_url", [None, "", "https://elsewhere.example/day/", "//elsewhere.example/", "/\\evil"]
)
def test_an_action_returns_only_to_a_page_of_this_site(
    client, reception, therapist, week, monday, course, next_url
):
    appointment = booking(therapist, 10, monday, course=course)
    response = arrive(client, reception, appointment, next_url=next_url)
    assert response.url == f"{DAY}?on={monday.isoformat()}"


def test_an_appointment_of_another_client_is_not_found(
    client, reception, therapist, week, monday, course
):
    appointment = booking(therapist, 10, monday, course=course)
    other = ClientFactory()
    client.force_login(reception)
    url = reverse("appointments:arrived", args=[other.pk, appointment.pk])
    assert client.post(url).status_code == 404
    assert client.post(reverse("appointments:arrived", args=[other.pk, 999999])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


@pytest.mark.parametrize("role", ["reception", "therapist", "clinic_admin"])
def test_each_role_of_the_clinic_opens_the_calendar_and_marks_arrivals(
    client, request, therapist, week, monday, course, role
):
    user = request.getfixturevalue(role)
    appointment = booking(therapist, 10, monday, course=course)
    client.force_login(user)
    assert client.get(DAY).status_code == 200
    assert client.get(WEEK).status_code == 200
    assert arrive(client, user, appointment).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED


def test_someone_without_a_role_is_refused_everything(
    client, no_role, therapist, week, monday, course, clock
):
    appointment = booking(therapist, 10, monday, course=course)
    clock(at(11, day=monday))
    client.force_login(no_role)
    assert client.get(DAY).status_code == 403
    assert client.get(WEEK).status_code == 403
    assert arrive(client, no_role, appointment).status_code == 403
    assert arrive(client, no_role, appointment, name="appointments:no_show").status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_the_calendar_needs_a_sign_in_and_the_actions_a_post(
    client, reception, therapist, week, monday, course
):
    appointment = booking(therapist, 10, monday, course=course)
    url = reverse("appointments:arrived", args=[appointment.client_id, appointment.pk])
    for address in (DAY, WEEK, url):
        assert client.get(address).url.startswith(reverse("login"))
    client.force_login(reception)
    assert client.get(url).status_code == 405
    assert client.post(DAY).status_code == 405


def test_the_week_shows_its_days_appointments_by_therapist(
    client, reception, therapist, clinic_admin, week, monday, course
):
    wednesday = monday + datetime.timedelta(days=2)
    first = booking(therapist, 9, monday, course=course)
    midweek = booking(clinic_admin, 11, wednesday, client=ClientFactory())
    next_week = booking(therapist, 9, monday + datetime.timedelta(days=7), client=ClientFactory())
    client.force_login(reception)

    response = client.get(WEEK, {"on": wednesday.isoformat()})

    assert response.status_code == 200
    page = response.content.decode()
    assert [pk for pk, _ in items(response)] == [first.pk, midweek.pk]
    assert next_week.client.full_name not in page
    days = re.findall(r'<section[^>]*data-day="([\d-]+)"', page)
    assert days == [(monday + datetime.timedelta(days=n)).isoformat() for n in range(7)]
    monday_cell = page[page.index(f'data-day="{monday.isoformat()}"') :]
    monday_cell = monday_cell[: monday_cell.index("data-day=", 10)]
    assert course.client.full_name in monday_cell and "09:00" in monday_cell
    assert f'href="{course.client.get_absolute_url()}"' in monday_cell
    # Only one therapist's week when one is chosen.
    chosen = client.get(WEEK, {"on": monday.isoformat(), "therapist": clinic_admin.pk})
    assert [pk for pk, _ in items(chosen)] == [midweek.pk]
    logged = AccessLog.objects.filter(user=reception, view="appointment_day")
    assert {course.client_id, midweek.client_id} <= set(logged.values_list("client_id", flat=True))


def a_full_day(monday, therapist, clinic_admin, count):
    """`count` appointments a therapist and the admin share on `monday`, of every status, each
    with its own client, course and room (inserted directly: only their number matters)."""
    statuses = [Status.BOOKED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW]
    for n in range(count):
        who = therapist if n % 2 else clinic_admin
        course = course_for(treatable_client(), by=who, planned=10)
        status = statuses[n % len(statuses)]
        session = bulk_sessions(course, 1)[0] if status == Status.COMPLETED else None
        start = at(9, day=monday) + datetime.timedelta(minutes=40 * n)
        Appointment.objects.create(
            client=course.client if n % 3 else ClientFactory(),
            therapist=who,
            course=course if n % 3 else None,
            session_number=1,
            room=Room.objects.create(name=f"{monday:%a} {n}"),
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=40),
            status=status,
            session=session,
            booked_by=who,
        )


# The sign-in (session, user, its two kinds of permissions, its roles for the menu, the session
# saved: 3 with its savepoint), the people who treat, the days' hours, absences and
# appointments, the access log, the form's list of therapists: 14; the day adds its clients'
# eligibility (6: latest evidence, screenings, their answers, the checklist, referral notes,
# consents).
WEEK_QUERIES = 14
DAY_QUERIES = WEEK_QUERIES + 6


@pytest.mark.parametrize("count", [2, 12])
def test_the_day_is_read_in_the_same_number_of_queries_whatever_its_size(
    client, clinic_admin, therapist, week, monday, count, django_assert_num_queries
):
    a_full_day(monday, therapist, clinic_admin, count)
    client.force_login(clinic_admin)
    with django_assert_num_queries(DAY_QUERIES):
        response = client.get(DAY, {"on": monday.isoformat(), "therapist": ""})
    assert len(items(response)) == count


@pytest.mark.parametrize("count", [2, 12])
def test_the_week_is_read_in_the_same_number_of_queries_whatever_its_size(
    client, clinic_admin, therapist, week, monday, count, django_assert_num_queries
):
    a_full_day(monday, therapist, clinic_admin, count)
    a_full_day(monday + datetime.timedelta(days=3), therapist, clinic_admin, count)
    client.force_login(clinic_admin)
    with django_assert_num_queries(WEEK_QUERIES):
        response = client.get(WEEK, {"on": monday.isoformat()})
    assert len(items(response)) == 2 * count
