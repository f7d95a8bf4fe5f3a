"""The pain chart and the body map: drawn for 0, 1 and many sessions, numbers as in the data."""

import pytest

from clinic.overview.lib.charts import body_map, pain_chart, y_of
from sessions_app.models import Zone
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db


def test_no_sessions_draw_an_empty_chart_that_says_so():
    chart = pain_chart([])
    assert chart["points"] == [] and chart["before_line"] == ""
    assert chart["summary"] == "No sessions yet, so no pain scores."


def test_one_session_is_a_point_in_the_middle():
    course = course_for(treatable_client())
    session = log(course, pain_before=7, pain_after=4)
    chart = pain_chart([session])
    (point,) = chart["points"]
    assert (point["before"], point["after"]) == (7, 4)
    assert (point["y_before"], point["y_after"]) == (y_of(7), y_of(4))
    assert point["x"] == (chart["left"] + chart["right"]) / 2
    assert "pain 7 before and 4 after" in chart["summary"]


def test_many_sessions_follow_the_scores_left_to_right():
    course = course_for(treatable_client())
    scores = [(8, 6), (7, 5), (6, 3), (4, 2)]
    sessions = [
        log(course, days_ago=10 - i, pain_before=b, pain_after=a) for i, (b, a) in enumerate(scores)
    ]
    chart = pain_chart(sessions)
    assert [(p["before"], p["after"]) for p in chart["points"]] == scores
    xs = [p["x"] for p in chart["points"]]
    assert xs == sorted(xs) and xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert chart["before_line"].split()[0] == f"{xs[0]},{y_of(8)}"
    assert "went from 8 to 4" in chart["summary"] and "from 6 to 2" in chart["summary"]


def test_the_x_axis_names_sessions_by_number_and_date_a_few_in_a_long_history():
    course = course_for(treatable_client(), planned=30)
    sessions = [log(course, days_ago=25 - i) for i in range(3)]
    chart = pain_chart(sessions)
    assert [label["number"] for label in chart["x_labels"]] == ["No. 1", "No. 2", "No. 3"]
    assert [label["x"] for label in chart["x_labels"]] == [p["x"] for p in chart["points"]]
    assert chart["x_labels"][0]["day"] == chart["points"][0]["day"]
    many = pain_chart(sessions * 10)  # 30 points: six labels, the first and the last included
    xs = [label["x"] for label in many["x_labels"]]
    assert len(xs) == 6 and xs[0] == many["left"] and xs[-1] == many["right"]
    # The last dot (r=4) and the labels stay inside the picture.
    assert many["right"] + 4 <= many["width"] and many["bottom"] + 30 < many["height"]


def test_a_higher_score_is_drawn_higher_up():
    assert y_of(10) < y_of(5) < y_of(0)


def test_the_body_map_shades_zones_by_how_often_they_were_worked():
    zones = list(Zone.objects.all())
    by_code = {zone.code: zone for zone in zones}
    counts = {by_code["lumbar"].pk: 10, by_code["sacral"].pk: 5}
    shaded = body_map(zones, counts)
    assert shaded["lumbar"]["count"] == 10 and shaded["sacral"]["count"] == 5
    assert shaded["lumbar"]["opacity"] > shaded["sacral"]["opacity"] > shaded["gluteal"]["opacity"]
    assert shaded["gluteal"]["count"] == 0
    assert shaded["kidney_area"]["light_only"] and shaded["heart_projection"]["light_only"]
    assert not shaded["lumbar"]["light_only"]


def test_the_body_map_of_a_course_counts_its_steps(client, therapist):
    course = course_for(treatable_client(), by=therapist)
    log(course, days_ago=3)
    log(course, days_ago=2)
    client.force_login(therapist)
    body = client.get(course.client.get_absolute_url()).context["body"]
    # The standard scheme works the lumbar zone in 4 steps and the kidney area in 1.
    assert body["lumbar"]["count"] == 8
    assert body["kidney_area"]["count"] == 2
    assert body["heart_projection"]["count"] == 0


def test_the_page_says_what_the_pictures_will_show_before_any_session(client, therapist):
    person = treatable_client()
    client.force_login(therapist)
    without_course = client.get(person.get_absolute_url())
    assert without_course.context["body"] is None
    page = without_course.content.decode()
    # Not empty axes: what will appear, and when.
    assert "The chart appears with the first session" in page
    assert 'aria-labelledby="pain-title pain-desc"' not in page
    course_for(person, by=therapist)
    with_course = client.get(person.get_absolute_url())
    body = with_course.context["body"]
    assert body and all(zone["count"] == 0 for zone in body.values())
    assert 'data-zone="lumbar"' in with_course.content.decode()


def test_the_body_map_follows_the_course_asked_for(client, therapist):
    person = treatable_client()
    first = course_for(person, by=therapist, start_days_ago=30)
    log(first, days_ago=3)
    second = course_for(person, by=therapist, start_days_ago=1)
    client.force_login(therapist)
    latest = client.get(person.get_absolute_url()).context
    assert latest["mapped_course"] == second and latest["body"]["lumbar"]["count"] == 0
    asked = client.get(person.get_absolute_url(), {"course": first.pk}).context
    assert asked["mapped_course"] == first and asked["body"]["lumbar"]["count"] == 4
    foreign = client.get(person.get_absolute_url(), {"course": "x' or 1=1"}).context
    assert foreign["mapped_course"] == second
