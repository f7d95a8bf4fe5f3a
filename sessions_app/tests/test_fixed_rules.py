"""What no setting may weaken (domain.md): the back office cannot make the kidney area or the
heart projection take deep work, nor change which techniques open and close a session."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sessions_app.models import Intensity, Technique, Zone

pytestmark = pytest.mark.django_db


def zone_form(zone, **changes):
    return {
        "name_ru": zone.name_ru,
        "name_en": zone.name_en,
        "max_intensity": zone.max_intensity,
        "position": zone.position,
        "is_active": "on",
        **changes,
    }


def technique_form(technique, **changes):
    return {
        "name_ru": technique.name_ru,
        "name_en": technique.name_en,
        "category": technique.category,
        "description_ru": technique.description_ru,
        "description_en": technique.description_en,
        "position": technique.position,
        "is_active": "on",
        **changes,
    }


@pytest.mark.parametrize("code", ["kidney_area", "heart_projection"])
def test_the_back_office_cannot_deepen_a_light_only_zone(admin_client_, code):
    zone = Zone.objects.get(code=code)
    url = reverse("admin:sessions_app_zone_change", args=[zone.pk])
    assert "light work over the projection of the heart" in admin_client_.get(url).content.decode()
    admin_client_.post(url, zone_form(zone, max_intensity=Intensity.DEEP))
    zone.refresh_from_db()
    assert zone.max_intensity == Intensity.LIGHT


def test_the_database_keeps_the_kidney_area_light(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Zone.objects.filter(code="kidney_area").update(max_intensity=Intensity.DEEP)


def test_another_zone_takes_the_depth_the_clinic_sets(admin_client_):
    zone = Zone.objects.get(code="sacral")
    url = reverse("admin:sessions_app_zone_change", args=[zone.pk])
    admin_client_.post(url, zone_form(zone, max_intensity=Intensity.MODERATE))
    zone.refresh_from_db()
    assert zone.max_intensity == Intensity.MODERATE


@pytest.mark.parametrize(("code", "relaxing"), [("kneading", False), ("shaking", True)])
def test_the_back_office_cannot_change_what_relaxes(admin_client_, code, relaxing):
    technique = Technique.objects.get(code=code)
    url = reverse("admin:sessions_app_technique_change", args=[technique.pk])
    assert "only the gluteal stretch and stroking open one" in (
        admin_client_.get(url).content.decode()
    )
    data = technique_form(technique, opens_session="on")
    if not relaxing:
        data["is_relaxing"] = "on"
    admin_client_.post(url, data)
    technique.refresh_from_db()
    assert technique.is_relaxing is relaxing
    assert not technique.opens_session


@pytest.mark.parametrize("code", ["kneading", "rubbing", "vibration", "push_ups"])
def test_the_database_keeps_the_working_techniques_unrelaxing(code):
    with pytest.raises(IntegrityError), transaction.atomic():
        Technique.objects.filter(code=code).update(is_relaxing=True)


def test_only_the_gluteal_stretch_and_stroking_open_a_session(db):
    assert {t.code for t in Technique.objects.all() if t.opens_session} == {
        "gluteal_stretch",
        "stroking",
    }


def test_a_technique_the_clinic_adds_as_relaxing_closes_a_session_and_stays_so(admin_client_):
    admin_client_.post(
        reverse("admin:sessions_app_technique_add"),
        {
            "code": "light_patting",
            "name_ru": "Лёгкое похлопывание",
            "name_en": "Light patting",
            "category": "basic",
            "is_relaxing": "on",
            "position": 90,
            "is_active": "on",
        },
    )
    patting = Technique.objects.get(code="light_patting")
    assert patting.is_relaxing and not patting.opens_session
    url = reverse("admin:sessions_app_technique_change", args=[patting.pk])
    admin_client_.post(url, technique_form(patting))  # "relaxing" unticked: ignored
    patting.refresh_from_db()
    assert patting.is_relaxing


@pytest.mark.parametrize(("model", "code"), [("zone", "kidney_area"), ("technique", "stroking")])
def test_what_the_rules_name_keeps_its_name(admin_client_, model, code):
    # Swapping names would put the kidney area's rule on another zone, or kneading's on stroking.
    entry = {"zone": Zone, "technique": Technique}[model].objects.get(code=code)
    form = zone_form if model == "zone" else technique_form
    url = reverse(f"admin:sessions_app_{model}_change", args=[entry.pk])
    names = (entry.name_en, entry.name_ru)
    admin_client_.post(url, form(entry, name_en="Renamed", name_ru="Переименовано"))
    entry.refresh_from_db()
    assert (entry.name_en, entry.name_ru) == names
    with pytest.raises(ValidationError, match="keep their names"):
        entry.name = "Renamed"
        entry.full_clean()


def test_the_kidney_area_stays_in_use(admin_client_):
    kidney = Zone.objects.get(code="kidney_area")
    url = reverse("admin:sessions_app_zone_change", args=[kidney.pk])
    data = zone_form(kidney)
    del data["is_active"]
    admin_client_.post(url, data)
    kidney.refresh_from_db()
    assert kidney.is_active
    with pytest.raises(IntegrityError), transaction.atomic():
        Zone.objects.filter(code="kidney_area").update(is_active=False)
