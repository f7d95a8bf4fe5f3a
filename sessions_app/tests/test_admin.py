import pytest
from django.urls import reverse

from sessions_app.models import Technique, TemplateStep
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db


def post_page(client, url, data):
    """Post `data` as the change page would: with the management form of each inline the
    page has and `data` does not fill (apps above this one add theirs; none has rows here)."""
    for inline in client.get(url).context["inline_admin_formsets"]:
        management = inline.formset.management_form
        prefix = inline.formset.prefix
        if f"{prefix}-TOTAL_FORMS" not in data:
            data |= {f"{prefix}-{name}": value for name, value in management.initial.items()}
    return client.post(url, data)


def template_form(template, **changes_to_first_step):
    steps = list(template.steps.all())
    data = {
        "name_ru": template.name_ru,
        "name_en": template.name_en,
        "massage_type": template.massage_type,
        "description_ru": template.description_ru,
        "description_en": template.description_en,
        "is_active": "on",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, step in enumerate(steps):
        row = {
            "id": step.pk,
            "template": template.pk,
            "stage": step.stage,
            "position": step.position,
            "technique": step.technique_id,
            "zone": step.zone_id,
            "repetitions": step.repetitions,
            "intensity": step.intensity,
            "planned_seconds": step.planned_seconds,
        }
        if i == 0:
            row.update(changes_to_first_step)
        data.update({f"steps-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_template_that_breaks_the_technique_is_refused_in_the_back_office(admin_client_):
    template = standard_template()
    kneading = Technique.objects.get(code="kneading")
    url = reverse("admin:sessions_app_plantemplate_change", args=[template.pk])

    response = post_page(admin_client_, url, template_form(template, technique=kneading.pk))

    assert response.status_code == 200
    assert "the session opens with" in response.content.decode()
    assert (
        TemplateStep.objects.get(template=template, position=1).technique.code == "gluteal_stretch"
    )


def test_a_template_within_the_rules_is_saved(admin_client_):
    template = standard_template()
    url = reverse("admin:sessions_app_plantemplate_change", args=[template.pk])
    response = post_page(admin_client_, url, template_form(template, repetitions=3))
    assert response.status_code == 302
    assert TemplateStep.objects.get(template=template, position=1).repetitions == 3


def test_sessions_are_read_only_in_the_back_office(admin_client_):
    session = log(course_for(treatable_client()))
    assert admin_client_.get(reverse("admin:sessions_app_session_changelist")).status_code == 200
    change = reverse("admin:sessions_app_session_change", args=[session.pk])
    page = admin_client_.get(change)
    assert page.status_code == 200
    assert 'name="pain_before"' not in page.content.decode()
    assert admin_client_.get(reverse("admin:sessions_app_session_add")).status_code == 403
    assert (
        admin_client_.get(
            reverse("admin:sessions_app_session_delete", args=[session.pk])
        ).status_code
        == 403
    )


def test_the_back_office_opens_courses_and_catalogues(admin_client_):
    course = course_for(treatable_client())
    for name, args in [
        ("admin:sessions_app_course_changelist", []),
        ("admin:sessions_app_course_change", [course.pk]),
        ("admin:sessions_app_technique_changelist", []),
        ("admin:sessions_app_technique_change", [Technique.objects.first().pk]),
        ("admin:sessions_app_zone_changelist", []),
        ("admin:sessions_app_plantemplate_changelist", []),
    ]:
        assert admin_client_.get(reverse(name, args=args)).status_code == 200, name
