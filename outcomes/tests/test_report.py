"""The clinic-wide outcomes report: the figures of the courses that ended in a range, by plan
template, massage type and therapist, in a constant number of queries; the page and the CSV
for clinic admins only; any input answered without a 500."""

import csv
import datetime
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from clinic import roles
from clinic.tests.factories import UserFactory
from outcomes.models import When
from outcomes.report import GroupBy, Row, outcomes_report
from outcomes.tests.factories import odi
from outcomes.tests.factories import recorded as take
from sessions_app.models import Course, PlanTemplate, Session
from sessions_app.tests.factories import bulk_sessions, course_for, treatable_client

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def last_20_days():
    return {"ended_from": days_ago(20), "ended_to": days_ago(0)}


def colleague(username):
    user = UserFactory(username=username, first_name="Olga", last_name="Sidorova")
    user.groups.add(Group.objects.get(name=roles.THERAPIST))
    return user


def standard(massage_type):
    """The clinic's standard scheme of the type (the first template of it)."""
    return PlanTemplate.objects.filter(massage_type=massage_type).order_by("pk").first()


def template_like(name, massage_type="classic"):
    """A new plan template with the standard scheme's steps."""
    template = PlanTemplate.objects.create(name=name, massage_type=massage_type)
    for step in standard(massage_type).steps.all():
        step.pk = step.id = None
        step.template = template
        step.save()
    return template


def ended(course, *, last_session_days_ago=5, status=Course.Status.COMPLETED):
    """The course with one counted session `last_session_days_ago`, then set to `status`."""
    bulk_sessions(course, 1, start_days_ago=last_session_days_ago)
    Course.objects.filter(pk=course.pk).update(status=status)
    return course


def odi_course(client, therapist, template, baseline, discharge=None, **ending):
    """A course of `template` with ODI scores (in %, even numbers) at baseline and, if given,
    at discharge, ended as `ended` says."""
    course = course_for(client, by=therapist, template=template, start_days_ago=30)
    take(course, therapist, odi(baseline // 2), days_ago=29)
    if discharge is not None:
        take(course, therapist, odi(discharge // 2), when=When.DISCHARGE, days_ago=6)
    return ended(course, **ending)


@pytest.fixture
def seeded(therapist):
    """Six courses that count and four that do not, with known outcomes (ODI, in %)."""
    other = colleague("olga")
    a, b = template_like("Template A"), template_like("Template B")
    vacuum = standard("vacuum")
    client = treatable_client()
    odi_course(client, therapist, a, 40, 20)  # +20: a real improvement
    corrected = odi_course(client, therapist, a, 40, 10)
    take(
        corrected,
        therapist,
        odi(17),  # 34 %: +6, better but not by a real change
        when=When.DISCHARGE,
        days_ago=6,
        replaces=corrected.responses.get(when=When.DISCHARGE),
        correction_reason="Typed from the wrong form.",
    )
    odi_course(client, other, a, 30, 46)  # -16: really worse
    # Measured after session 3 but never at discharge: ended, not measured.
    halfway = odi_course(client, other, a, 40)
    take(halfway, other, odi(10), when=When.AFTER_SESSION, session_number=3, days_ago=10)
    odi_course(client, other, b, 50, 30)  # +20: a real improvement
    odi_course(client, therapist, vacuum, 30, 30)  # no change

    # Not counted: cancelled; ended before the range (a voided session inside it does not
    # count); still active; completed without any counted session.
    odi_course(client, therapist, a, 40, 10, status=Course.Status.CANCELLED)
    before = odi_course(client, therapist, a, 40, 10, last_session_days_ago=25)
    Session.objects.bulk_create(
        [
            Session(
                course=before,
                number=2,
                performed_at=timezone.now() - datetime.timedelta(days=3),
                therapist=therapist,
                created_by=therapist,
                pain_before=6,
                pain_after=3,
                tolerance="well",
                voided_at=timezone.now(),
                voided_by=therapist,
                void_reason="Logged twice",
            )
        ]
    )
    odi_course(client, therapist, a, 40, 10, status=Course.Status.ACTIVE)
    never = course_for(client, by=therapist, template=a, start_days_ago=30)
    Course.objects.filter(pk=never.pk).update(status=Course.Status.COMPLETED)
    return {"therapist": therapist, "other": other, "vacuum": vacuum}


def figures(row):
    return (
        row.label,
        row.ended,
        row.measured,
        row.median_change,
        row.improved_share,
        row.worse_share,
    )


def report(group_by, **kw):
    return outcomes_report(**{**last_20_days(), "instrument": "odi", "group_by": group_by, **kw})


def test_by_plan_template_each_template_has_its_counts_median_and_shares(seeded):
    result = report(GroupBy.TEMPLATE)
    assert [figures(row) for row in result.rows] == [
        ("Template A", 4, 3, Decimal(6), Fraction(1, 3), Fraction(1, 3)),
        ("Template B", 1, 1, Decimal(20), Fraction(1), Fraction(0)),
        (seeded["vacuum"].name, 1, 1, Decimal(0), Fraction(0), Fraction(0)),
    ]
    # Changes +20, +6, -16, +20, 0: the median is 6; 2 of 5 improved really, 1 of 5 worsened.
    assert figures(result.total) == (
        "All courses",
        6,
        5,
        Decimal(6),
        Fraction(2, 5),
        Fraction(1, 5),
    )


def test_by_massage_type_the_templates_of_one_type_count_together(seeded):
    result = report(GroupBy.MASSAGE_TYPE)
    assert [figures(row) for row in result.rows] == [
        # +20, +6, -16, +20: the median of an even number is the mean of the middle two.
        ("Classic", 5, 4, Decimal(13), Fraction(1, 2), Fraction(1, 4)),
        ("Vacuum (cupping)", 1, 1, Decimal(0), Fraction(0), Fraction(0)),
    ]


def test_by_therapist_each_therapist_has_the_courses_they_led(seeded):
    result = report(GroupBy.THERAPIST)
    rows = {row.label: figures(row)[1:] for row in result.rows}
    assert rows == {
        str(seeded["therapist"]): (3, 3, Decimal(6), Fraction(1, 3), Fraction(0)),
        str(seeded["other"]): (3, 2, Decimal(2), Fraction(1, 2), Fraction(1, 2)),
    }


def test_a_higher_is_better_score_improves_upwards(therapist):
    course = course_for(treatable_client(), by=therapist, start_days_ago=30)
    ratings = {"activity1": 2, "activity2": 3, "activity3": 4}  # mean 3
    names = {key: f"Activity {key}" for key in ratings}
    take(course, therapist, ratings, instrument="psfs", activities=names, days_ago=29)
    better = dict.fromkeys(ratings, 7)
    take(course, therapist, better, instrument="psfs", when=When.DISCHARGE, activities=names)
    ended(course)
    (row,) = report(GroupBy.TEMPLATE, instrument="psfs").rows
    assert (row.median_change, row.improved, row.worse) == (Decimal(4), 1, 0)


def test_the_clinics_threshold_decides_what_is_a_real_change(seeded, settings):
    settings.CLINIC_REAL_CHANGE = {"odi": {"points": 5}}
    total = report(GroupBy.TEMPLATE).total
    assert (total.improved_share, total.worse_share) == (Fraction(3, 5), Fraction(1, 5))


def test_the_pain_threshold_is_named_with_its_percentage(client, clinic_admin):
    client.force_login(clinic_admin)
    page = client.get(reverse("outcomes:report"), query(instrument="pain")).content.decode()
    assert "A change is real from 2 points or 30 % of the baseline." in page
    assert "No course ended between these days." in page


def test_no_course_in_the_range_gives_no_rows_and_no_median(seeded):
    result = report(GroupBy.TEMPLATE, ended_from=days_ago(400), ended_to=days_ago(300))
    assert result.rows == []
    assert figures(result.total) == ("All courses", 0, 0, None, None, None)


def test_shares_show_as_percentages_with_one_decimal():
    row = Row("A", 3, 3, Decimal(6), improved=1, worse=2)
    assert (row.improved_percent, row.worse_percent) == (Decimal("33.3"), Decimal("66.7"))


def courses_with_outcomes(count, therapists, templates):
    client = treatable_client()
    for n in range(count):
        odi_course(client, therapists[n % 2], templates[n % 2], 40, 20 + 2 * n)


@pytest.mark.parametrize("group_by", list(GroupBy))
def test_the_report_is_one_query_whatever_the_number_of_courses(
    therapist, django_assert_num_queries, group_by
):
    therapists = [therapist, colleague("olga")]
    templates = [template_like("Template A"), standard("vacuum")]
    courses_with_outcomes(2, therapists, templates)
    with django_assert_num_queries(1):
        assert report(group_by).total.ended == 2
    courses_with_outcomes(6, therapists, templates)
    with django_assert_num_queries(1):
        assert report(group_by).total.ended == 8


def test_the_page_makes_as_many_queries_for_many_courses_as_for_few(
    client, clinic_admin, therapist
):
    therapists = [therapist, colleague("olga")]
    templates = [template_like("Template A"), standard("vacuum")]
    client.force_login(clinic_admin)
    url = reverse("outcomes:report")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"group_by": "therapist"}).status_code == 200
        return len(captured)

    courses_with_outcomes(2, therapists, templates)
    few = queries()
    courses_with_outcomes(6, therapists, templates)
    assert queries() == few


# --- the page and the file --------------------------------------------------------------


def query(**params):
    return {
        "date_from": days_ago(20).strftime("%d.%m.%Y"),
        "date_to": days_ago(0).strftime("%d.%m.%Y"),
        "instrument": "odi",
        "group_by": "template",
        **params,
    }


@pytest.mark.parametrize("name", ["outcomes:report", "outcomes:report_csv"])
@pytest.mark.parametrize(
    ("role", "status"),
    [("clinic_admin", 200), ("therapist", 403), ("reception", 403), ("no_role", 403)],
)
def test_only_clinic_admins_see_the_report(client, request, name, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name), query()).status_code == status


@pytest.mark.parametrize("name", ["outcomes:report", "outcomes:report_csv"])
def test_a_visitor_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("name", ["outcomes:report", "outcomes:report_csv"])
def test_a_clinic_admin_gives_the_second_factor_first(client, clinic_admin, settings, name):
    settings.CLINIC_ADMIN_2FA = True
    client.force_login(clinic_admin)
    response = client.get(reverse(name), query())
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_the_page_shows_the_groups_and_the_total(client, clinic_admin, seeded):
    client.force_login(clinic_admin)
    response = client.get(reverse("outcomes:report"), query())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="table table-sm table-stack"' in page and "<caption" in page
    assert [row.label for row in response.context["report"].rows] == [
        "Template A",
        "Template B",
        seeded["vacuum"].name,
    ]
    assert "Template A" in page and "+6" in page and "33.3 %" in page and "(1 of 3)" in page
    assert "All courses" in page and "40 %" in page  # 2 of 5 improved really
    assert "Oswestry Disability Index (ODI): courses ended from" in page
    assert "A change is real from 10 points." in page
    assert 'data-label="Median change, points (+ is better)"' in page
    assert 'formaction="/reports/outcomes.csv"' in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_without_a_query_the_page_shows_the_last_twelve_months(client, clinic_admin, seeded):
    client.force_login(clinic_admin)
    response = client.get(reverse("outcomes:report"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["date_to"] == days_ago(0)
    assert (days_ago(0) - form.cleaned_data["date_from"]).days in (364, 365)
    # The course that ended 25 days ago counts too, with the six of the last 20 days.
    assert response.context["report"].total.ended == 7


def test_the_csv_has_the_pages_rows_and_total(client, clinic_admin, seeded):
    client.force_login(clinic_admin)
    response = client.get(reverse("outcomes:report_csv"), query())
    raw = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert raw.startswith("\ufeff".encode())
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-odi-')
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        [
            "group",
            "courses_ended",
            "measured",
            "median_change",
            "real_improvement",
            "real_improvement_percent",
            "really_worse",
            "really_worse_percent",
        ],
        ["Template A", "4", "3", "6.0", "1", "33.3", "1", "33.3"],
        ["Template B", "1", "1", "20.0", "1", "100.0", "0", "0.0"],
        [seeded["vacuum"].name, "1", "1", "0.0", "0", "0.0", "0", "0.0"],
        ["All courses", "6", "5", "6.0", "2", "40.0", "1", "20.0"],
    ]


def test_the_csv_keeps_a_negative_median_a_number_and_a_formula_name_text(
    client, clinic_admin, therapist
):
    course = odi_course(treatable_client(), therapist, template_like("=cmd|' /C calc'!A0"), 30, 46)
    client.force_login(clinic_admin)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("outcomes:report_csv"), query()).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert rows[1][:4] == ["'=cmd|' /C calc'!A0", "1", "1", "-16.0"]
    assert course.template.name in rows[1][0]


@pytest.mark.parametrize("name", ["outcomes:report", "outcomes:report_csv"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "10.03.2026", "date_to": "01.03.2026"}, "swap them"),
        ({"date_from": "01.01.2020", "date_to": "01.01.2024"}, "at most three years"),
        ({"date_from": "yesterday"}, "Enter a valid date"),
        ({"date_to": "31.02.2026"}, "Enter a valid date"),
        ({"date_to": ""}, "This field is required"),
        ({"date_from": "9999-12-31", "date_to": "9999-12-31"}, "between 1900 and a year"),
        ({"instrument": "start_back"}, "Select a valid choice"),
        ({"instrument": "nonsense"}, "Select a valid choice"),
        ({"group_by": "client"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_on_the_form(client, clinic_admin, name, params, message):
    client.force_login(clinic_admin)
    response = client.get(reverse(name), query(**params))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "could not be made" in page
    assert 'name="date_from"' in page


def test_three_years_exactly_is_allowed(client, clinic_admin):
    client.force_login(clinic_admin)
    params = query(date_from=days_ago(3 * 365).strftime("%d.%m.%Y"))
    assert client.get(reverse("outcomes:report"), params).status_code == 200


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        dict.fromkeys(
            ["date_from", "date_to", "instrument", "group_by"],
            st.one_of(
                st.text(max_size=40),
                st.dates().map(str),
                st.sampled_from(["odi", "pain", "therapist", "\u0000", "-1", "9" * 400]),
            ),
        )
    )
)
def test_no_input_makes_a_server_error(client, clinic_admin, data):
    client.force_login(clinic_admin)
    for name in ("outcomes:report", "outcomes:report_csv"):
        assert client.get(reverse(name), data).status_code in (200, 400)


def test_it_answers_only_reading(client, clinic_admin):
    client.force_login(clinic_admin)
    assert client.post(reverse("outcomes:report"), query()).status_code == 405
