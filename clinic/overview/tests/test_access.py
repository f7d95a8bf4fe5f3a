"""Who may open what: every URL of the app against every role, and a user with no role.

The table must name every URL the project serves (outside the Django admin, which has one
entry of its own): a new URL without an entry fails `test_every_url_is_in_the_matrix`.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from appointments.feeds import new_feed
from appointments.models import Appointment, Status
from clinic.models import AccessLog, Client
from clinic.tests.factories import ReferralNoteFactory
from clinic.tests.test_conflicts import form_of
from consent.tests.factories import consent
from outcomes.models import MeasurePoint, When
from outcomes.tests.factories import take
from screening.tests.factories import screen
from sessions_app.tests.factories import course_for, log

ANON, NO_ROLE, RECEPTION, THERAPIST, ADMIN = "anon", "no_role", "reception", "therapist", "admin"
LOGIN = "login"  # an anonymous request sent to the login page
# URLs that name a client and one of its records, or one of its CSV exports
REFERRAL, SCREENING, COURSE, SESSION = "referral", "screening", "course", "session"
CONSENT, CONSENT_FILE = "consent", "consent file"
POINT, RESPONSE = "questionnaire due", "questionnaire response"
FEED = "calendar feed"
BOOKED, ARRIVED, CANCELLED = "booked appointment", "arrived appointment", "cancelled appointment"
SESSIONS_CSV = "sessions.csv"

# url name, what its URL names (nothing, a client, a client's record), method,
# expected status per role
MATRIX = [
    (
        "overview:home",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "overview:client_list",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:client_create",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "overview:client_detail",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:client_edit",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:client_archive",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 302, THERAPIST: 403, ADMIN: 302},
    ),
    (
        "clinic:client_restore",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 302, THERAPIST: 403, ADMIN: 302},
    ),
    (
        "clinic:referral_create",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "clinic:referral_detail",
        REFERRAL,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:referral_edit",
        REFERRAL,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "clinic:referral_scan",
        REFERRAL,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "screening:create",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "screening:detail",
        SCREENING,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "consent:take",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    # Without details chosen first, the signing page sends the person back to choose them.
    (
        "consent:sign",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 302, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "consent:detail",
        CONSENT,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "consent:print",
        CONSENT,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "consent:file",
        CONSENT_FILE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "consent:withdraw",
        CONSENT,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    # The forms again, posted empty: a refused role gets 403 before anything is read, an
    # allowed one the form back with its errors.
    (
        "consent:take",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "consent:withdraw",
        CONSENT,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    # The questionnaires: filled in, entered, skipped, read and corrected by those who take
    # them (therapists, clinic admins); reception does not see them.
    (
        "outcomes:tablet",
        POINT,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "outcomes:tablet",
        POINT,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "outcomes:paper",
        POINT,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "outcomes:paper",
        POINT,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "outcomes:skip",
        POINT,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "outcomes:done",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "outcomes:response",
        RESPONSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "outcomes:correct",
        RESPONSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:client_create",
        False,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "clinic:client_edit",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "clinic:referral_create",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "clinic:referral_edit",
        REFERRAL,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "screening:create",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_create",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_create",
        True,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_detail",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_edit",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:plan_edit",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_schedule",
        COURSE,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "sessions_app:session_create",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_create",
        COURSE,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_detail",
        SESSION,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_edit",
        SESSION,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_sign",
        SESSION,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "sessions_app:session_void",
        SESSION,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:addendum_create",
        SESSION,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:course_edit",
        COURSE,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:plan_edit",
        COURSE,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_edit",
        SESSION,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:session_void",
        SESSION,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "sessions_app:addendum_create",
        SESSION,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "overview:client_print",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "overview:client_csv",
        SESSIONS_CSV,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "overview:client_fhir",
        True,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "overview:sessions_export",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    # The clinic's day: reception's calendar, booking from a course, and what each status
    # allows; the session is logged from an arrived appointment by those who log sessions.
    (
        "appointments:day",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:week",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:arrived",
        BOOKED,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 302, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "appointments:no_show",
        BOOKED,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 302, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "appointments:book",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:series",
        COURSE,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:move",
        BOOKED,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:cancel",
        BOOKED,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:rebook",
        CANCELLED,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:log_session",
        ARRIVED,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    # A therapist's own calendar feed: its page for those with appointments of their own, and
    # the feed itself for whoever holds its secret address (a phone does not sign in).
    (
        "appointments:my_calendar",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "appointments:my_calendar",
        False,
        "post",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "appointments:feed",
        FEED,
        "get",
        {ANON: 200, NO_ROLE: 200, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    # No-shows and late cancellations: without a query, the last six months.
    (
        "appointments:figures",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    # The clinic's outcomes: without a query, the last twelve months of the ODI.
    (
        "outcomes:report",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "outcomes:report_csv",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    # Without its dates the export answers 400 with the form and what to fix.
    (
        "overview:clinic_sessions_csv",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 400},
    ),
    (
        "admin:clinic_accesslog_changelist",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "two_factor_setup",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    # Before enrolment, verifying sends a clinic admin to set the authenticator up first.
    (
        "two_factor_verify",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 302},
    ),
    ("login", False, "get", {ANON: 200, NO_ROLE: 302, RECEPTION: 302, THERAPIST: 302, ADMIN: 302}),
    (
        "logout",
        False,
        "post",
        {ANON: 302, NO_ROLE: 302, RECEPTION: 302, THERAPIST: 302, ADMIN: 302},
    ),
    (
        "password_change",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 200, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "password_change_done",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 200, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        # The language switcher, on the sign-in page too: it sends back to the page.
        "choose_language",
        False,
        "post",
        {ANON: 302, NO_ROLE: 302, RECEPTION: 302, THERAPIST: 302, ADMIN: 302},
    ),
    (
        # How a typed date is read: no record, any signed-in member of staff.
        "date_reading",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 200, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "healthz",
        False,
        "get",
        {ANON: 200, NO_ROLE: 200, RECEPTION: 200, THERAPIST: 200, ADMIN: 200},
    ),
    (
        "admin:index",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
    (
        "admin:clinic_client_changelist",
        False,
        "get",
        {ANON: LOGIN, NO_ROLE: 403, RECEPTION: 403, THERAPIST: 403, ADMIN: 200},
    ),
]

CASES = [
    pytest.param(name, with_id, method, role, expected, id=f"{name}-{method}-{role}")
    for name, with_id, method, by_role in MATRIX
    for role, expected in by_role.items()
]


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            if inner != "admin":  # the admin is checked through its own entries above
                yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name]))


def test_every_url_is_in_the_matrix():
    served = set(url_names(get_resolver().url_patterns))
    listed = {name for name, *_ in MATRIX if not name.startswith("admin:")}
    assert served == listed


@pytest.fixture
def users(reception, therapist, clinic_admin, no_role):
    return {NO_ROLE: no_role, RECEPTION: reception, THERAPIST: therapist, ADMIN: clinic_admin}


def appointment(course, status, *, hours, number):
    """An appointment of the course `hours` from now (back when negative), as it stands."""
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=hours)
    return Appointment.objects.create(
        client=course.client,
        therapist=course.therapist,
        course=course,
        session_number=number,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=40),
        status=status,
        booked_by=course.therapist,
    )


@pytest.fixture
def url_args(client_record):
    """The URL arguments each kind of entry needs: none, a client, or a client and a record."""
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 a specialist's letter")
    note = ReferralNoteFactory(client=client_record, scan=letter)
    course = course_for(client_record)
    consented = consent(client_record)
    screening = screen(client_record)
    session = log(course, days_ago=0)
    # A baseline due (after the session, which it would otherwise have held back) and an
    # answer to another questionnaire.
    point = MeasurePoint.objects.create(
        template=course.template, instrument="pain", when=When.BASELINE
    )
    answered = take(
        course,
        course.therapist,
        {"pain_now": 5},
        instrument="pain",
        when=When.AFTER_SESSION,
        session_number=1,
        days_ago=0,
    )
    return {
        False: [],
        True: [client_record.pk],
        REFERRAL: [client_record.pk, note.pk],
        SCREENING: [client_record.pk, screening.pk],
        COURSE: [client_record.pk, course.pk],
        SESSION: [client_record.pk, session.pk],
        POINT: [client_record.pk, course.pk, point.pk],
        RESPONSE: [client_record.pk, answered.pk],
        FEED: [new_feed(course.therapist).token],
        BOOKED: [client_record.pk, appointment(course, Status.BOOKED, hours=20, number=3).pk],
        ARRIVED: [client_record.pk, appointment(course, Status.ARRIVED, hours=-1, number=2).pk],
        CANCELLED: [
            client_record.pk,
            appointment(course, Status.CANCELLED_BY_CLIENT, hours=22, number=4).pk,
        ],
        SESSIONS_CSV: [client_record.pk, "sessions"],
        CONSENT: [client_record.pk, consented.pk],
        CONSENT_FILE: [client_record.pk, consented.pk, "signature"],
    }


@pytest.mark.parametrize(("name", "with_id", "method", "role", "expected"), CASES)
def test_each_role_gets_exactly_what_it_may(
    client, users, url_args, name, with_id, method, role, expected
):
    if role != ANON:
        client.force_login(users[role])
    url = reverse(name, args=url_args[with_id])
    response = getattr(client, method)(url, follow=expected == LOGIN)
    if expected == LOGIN:
        # The admin passes through its own login URL first, which sends staff to the app's.
        last_url, status = response.redirect_chain[-1]
        assert status == 302
        assert last_url.startswith(reverse("login") + "?next=")
        assert response.status_code == 200
    else:
        assert response.status_code == expected


def test_a_user_without_a_role_is_told_so_and_sees_no_client_data(client, no_role, client_record):
    client.force_login(no_role)
    for url in (reverse("overview:client_list"), client_record.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert "no role yet" in page
        assert client_record.last_name not in page
        assert client_record.record_number not in page


def test_a_missing_client_is_404_for_a_role_and_403_without_one(client, reception, no_role):
    url = reverse("overview:client_detail", args=[999999])
    client.force_login(reception)
    assert client.get(url).status_code == 404
    client.force_login(no_role)
    assert client.get(url).status_code == 403


def test_archive_and_restore_refuse_get(client, reception, client_record):
    client.force_login(reception)
    assert client.get(reverse("clinic:client_archive", args=[client_record.pk])).status_code == 405
    assert client.get(reverse("clinic:client_restore", args=[client_record.pk])).status_code == 405


def test_a_group_that_is_not_a_role_gives_no_role(client, no_role, client_record):
    no_role.groups.add(Group.objects.create(name="Volunteers"))
    client.force_login(no_role)
    response = client.get(client_record.get_absolute_url())
    assert response.status_code == 403
    assert "no role yet" in response.content.decode()


# Every page that shows a client's record, to every role that may open it (a calendar feed
# names no client: initials and a room only).
LOOKS = [
    pytest.param(name, with_id, role, id=f"{name}-{role}")
    for name, with_id, method, by_role in MATRIX
    if method == "get" and with_id and with_id != FEED
    for role, expected in by_role.items()
    if expected == 200
]


@pytest.mark.parametrize(("name", "with_id", "role"), LOOKS)
def test_every_page_that_shows_a_clients_record_logs_who_looked(
    client, users, url_args, client_record, name, with_id, role
):
    client.force_login(users[role])
    response = client.get(reverse(name, args=url_args[with_id]))
    if response.streaming:
        b"".join(response.streaming_content)
    looks = AccessLog.objects.filter(client=client_record)
    assert [(look.user, look.allowed) for look in looks] == [(users[role], True)]


# The back office's pages of a client's records, and the URL argument each one's record is.
BACK_OFFICE_RECORDS = [
    ("clinic_client", True),
    ("clinic_referralnote", REFERRAL),
    ("screening_screening", SCREENING),
    ("sessions_app_course", COURSE),
    ("sessions_app_session", SESSION),
]


@pytest.mark.parametrize(("model", "shown"), BACK_OFFICE_RECORDS)
@pytest.mark.parametrize("page", ["change", "history"])
def test_the_back_office_logs_every_look_at_a_clients_record(
    admin_client_, clinic_admin, client_record, url_args, model, shown, page
):
    record_id = url_args[shown][-1]
    response = admin_client_.get(reverse(f"admin:{model}_{page}", args=[record_id]))
    assert response.status_code == 200
    (look,) = AccessLog.objects.filter(client=client_record)
    assert (look.user, look.view, look.allowed) == (
        clinic_admin,
        "back_office" if page == "change" else "back_office_history",
        True,
    )


@pytest.mark.parametrize(("model", "shown"), BACK_OFFICE_RECORDS)
def test_the_back_office_logs_the_clients_a_list_shows(
    admin_client_, clinic_admin, client_record, url_args, model, shown
):
    url_args[shown]  # the record exists
    assert admin_client_.get(reverse(f"admin:{model}_changelist")).status_code == 200
    (look,) = AccessLog.objects.filter(client=client_record)
    assert (look.user, look.view) == (clinic_admin, "back_office_list")


def test_the_conflict_page_is_a_look_too(client, reception, client_record):
    url = reverse("clinic:client_edit", args=[client_record.pk])
    client.force_login(reception)
    stale = form_of(client, url)
    Client.objects.get(pk=client_record.pk).save()  # someone else saves meanwhile
    AccessLog.objects.all().delete()
    assert client.post(url, {**stale, "phone": "+79160000333"}).status_code == 409
    (look,) = AccessLog.objects.filter(client=client_record)
    assert (look.user, look.view, look.allowed) == (reception, "client_form", True)
