"""Clinic admins say on a plan template which questionnaires its courses have due."""

import pytest
from django.urls import reverse

from outcomes.models import MeasurePoint
from sessions_app.tests.factories import standard_template
from sessions_app.tests.test_admin import post_page, template_form

pytestmark = pytest.mark.django_db


def points(index, **fields):
    return {f"measure_points-{index}-{name}": value for name, value in fields.items()}


def test_a_clinic_admin_sets_the_questionnaires_of_a_template(admin_client_):
    template = standard_template()
    url = reverse("admin:sessions_app_plantemplate_change", args=[template.pk])
    data = template_form(template) | {
        "measure_points-TOTAL_FORMS": "2",
        "measure_points-INITIAL_FORMS": "0",
        "measure_points-MIN_NUM_FORMS": "0",
        "measure_points-MAX_NUM_FORMS": "1000",
        **points(0, instrument="odi", when="baseline"),
        **points(1, instrument="odi", when="follow_up", days_after="30"),
    }
    response = post_page(admin_client_, url, data)
    assert response.status_code == 302
    assert sorted(template.measure_points.values_list("when", "days_after")) == [
        ("baseline", None),
        ("follow_up", 30),
    ]


def test_a_follow_up_without_its_days_is_refused_and_nothing_saved(admin_client_):
    template = standard_template()
    url = reverse("admin:sessions_app_plantemplate_change", args=[template.pk])
    data = template_form(template) | {
        "measure_points-TOTAL_FORMS": "1",
        "measure_points-INITIAL_FORMS": "0",
        "measure_points-MIN_NUM_FORMS": "0",
        "measure_points-MAX_NUM_FORMS": "1000",
        **points(0, instrument="odi", when="follow_up"),
    }
    response = post_page(admin_client_, url, data)
    assert "Say how many days after the last session" in response.content.decode()
    assert not MeasurePoint.objects.exists()


def test_a_therapist_does_not_reach_the_back_office(client, therapist):
    client.force_login(therapist)
    template = standard_template()
    url = reverse("admin:sessions_app_plantemplate_change", args=[template.pk])
    assert client.get(url).status_code == 403
