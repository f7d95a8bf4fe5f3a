"""What each role may do is clinic/roles.py's table: in the database after every migrate, and in
the README."""

from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from clinic import roles

README = Path(__file__).resolve().parents[2] / "README.md"


def granted(group):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_the_groups_in_the_database_are_the_table():
    assert {group.name: granted(group) for group in Group.objects.all()} == {
        role: set(names) for role, names in roles.PERMISSIONS.items()
    }


@pytest.mark.django_db
def test_applying_the_table_again_puts_back_what_was_changed_by_hand():
    therapist = Group.objects.get(name=roles.THERAPIST)
    therapist.permissions.add(Permission.objects.get(codename="delete_client"))
    therapist.permissions.remove(Permission.objects.get(codename="add_screening"))
    Group.objects.filter(name=roles.RECEPTION).delete()

    roles.apply()
    roles.apply()  # and again: nothing changes

    assert granted(Group.objects.get(name=roles.THERAPIST)) == set(
        roles.PERMISSIONS[roles.THERAPIST]
    )
    assert granted(Group.objects.get(name=roles.RECEPTION)) == set(
        roles.PERMISSIONS[roles.RECEPTION]
    )


@pytest.mark.django_db
def test_a_permission_the_table_misnames_stops_the_migration(monkeypatch):
    monkeypatch.setitem(roles.PERMISSIONS, roles.THERAPIST, ["clinic.fly_client"])
    with pytest.raises(ImproperlyConfigured, match=r"clinic\.fly_client"):
        roles.apply()


@pytest.mark.django_db
def test_the_role_groups_cannot_be_edited_in_the_back_office(admin_client_):
    therapist = Group.objects.get(name=roles.THERAPIST)
    url = reverse("admin:auth_group_change", args=[therapist.pk])
    admin_client_.post(url, {"name": "Therapists", "permissions": []})
    therapist.refresh_from_db()
    assert therapist.name == roles.THERAPIST
    assert granted(therapist) == set(roles.PERMISSIONS[roles.THERAPIST])


@pytest.mark.django_db
def test_a_clinic_admin_cannot_make_a_group_that_grants_more(admin_client_):
    admin_client_.post(
        reverse("admin:auth_group_add"),
        {"name": "Helpers", "permissions": [Permission.objects.get(codename="delete_client").pk]},
    )
    assert not Group.objects.filter(name="Helpers").exists()


def table_rows():
    """The README's table: one row per model, the actions each role has on it."""
    actions = defaultdict(lambda: defaultdict(list))
    for role, names in roles.PERMISSIONS.items():
        for name in names:
            app_label, codename = name.split(".")
            action, model = codename.split("_", 1)
            if model.startswith("historical"):
                action, model = "history", model.removeprefix("historical")
            actions[f"{app_label}.{model}"][role].append(action)
    return [
        f"| `{model}` | "
        + " | ".join(", ".join(by_role.get(role, [])) or "—" for role in roles.ALL)
        + " |"
        for model, by_role in actions.items()
    ]


def test_the_readme_shows_the_table():
    readme = README.read_text()
    section = readme.split("### What each role may do", 1)[1].split("\n#", 1)[0]
    shown = [line for line in section.splitlines() if line.startswith("| `")]
    assert shown == table_rows(), "\n".join(table_rows())
