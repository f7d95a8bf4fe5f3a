"""The clinic's roles and, in one table, what each may do (domain.md, "Who uses it").

Each role is a Django group. After every `migrate`, `apply` gives each group exactly the
permissions of `PERMISSIONS` (creating the permissions first, as contrib.auth does), so the
database always says what this table says; a test fails when they differ. To change what a
role may do, change the table: the next migrate applies it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

# The groups' names, stored in English whatever the language of the pages (permissions, tests
# and the demo data name them); LABELS is what people read.
RECEPTION = "Reception"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"

ALL = (RECEPTION, THERAPIST, CLINIC_ADMIN)

LABELS = {
    RECEPTION: _("Reception"),
    THERAPIST: _("Therapist"),
    CLINIC_ADMIN: _("Clinic admin"),
}


def label(name):
    """A role's name as the pages show it, in the current language; another group's name as
    it is."""
    return LABELS.get(name, name)


def grants(app_label, actions, *models):
    """grants("clinic", "view add", "client") -> ["clinic.view_client", "clinic.add_client"]"""
    return [f"{app_label}.{action}_{model}" for model in models for action in actions.split()]


CATALOGUES = ("technique", "zone", "plantemplate", "templatestep")
# Take a client's consent or refusal, read what was signed, record a withdrawal.
CONSENT = [
    *grants("consent", "view add", "consent", "withdrawal"),
    *grants("consent", "view", "consenttext"),
]
# Plan and follow courses; log, sign, amend and void sessions.
TREATMENT = [
    *grants("sessions_app", "view add change", "course", "session"),
    "sessions_app.sign_session",
    *grants("sessions_app", "view add", "addendum"),
]

# Book a client's appointments, move, cancel, mark arrival and no-shows; read the day's hours.
APPOINTMENTS = [
    *grants("appointments", "view add change", "appointment"),
    *grants("appointments", "view", "room", "openinghours", "workinghours", "absence"),
]

PERMISSIONS = {
    # Registers and finds clients, files the specialists' letters. Sees the eligibility
    # banner but not a screening's answers, and that sessions took place but not how.
    RECEPTION: [
        *grants("clinic", "view add change archive", "client"),
        *grants("clinic", "view", "condition"),
        *grants("clinic", "view add change", "referralnote"),
        *grants("screening", "view", "contraindication"),
        *grants("sessions_app", "view", "course"),
        *CONSENT,
        *APPOINTMENTS,
    ],
    # Screens clients, plans courses, logs and signs sessions, reviews the whole history.
    THERAPIST: [
        *grants("clinic", "view change", "client"),
        *grants("clinic", "view", "condition", "referralnote"),
        *grants("screening", "view add", "screening"),
        *grants("screening", "view", "contraindication"),
        *TREATMENT,
        *grants("sessions_app", "view", *CATALOGUES),
        *CONSENT,
        *grants("outcomes", "view", "measurepoint"),
        *grants("outcomes", "view add", "response"),
        *APPOINTMENTS,
    ],
    # Everything above, plus the back office: corrections with the change history of every
    # record, the catalogues, staff accounts and roles, the access log and sign-in lockouts.
    CLINIC_ADMIN: [
        *grants("clinic", "view add change archive", "client"),
        *grants("clinic", "view add change", "referralnote", "condition", "user"),
        *grants("clinic", "view", "historicalclient", "historicalreferralnote", "accesslog"),
        # Roles are given to users; what a group may do is this table, not the back office.
        *grants("auth", "view", "group"),
        *grants("screening", "view add change", "screening", "contraindication"),
        *grants("screening", "view change", "answer"),
        *grants(
            "screening",
            "view",
            "historicalscreening",
            "historicalanswer",
            "historicalcontraindication",
        ),
        *TREATMENT,
        *grants("sessions_app", "view add change", *CATALOGUES),
        *grants(
            "sessions_app",
            "view",
            *(f"historical{name}" for name in ("course", "coursestep", "session", "sessionstep")),
            *(f"historical{name}" for name in ("addendum", *CATALOGUES)),
        ),
        # Consent texts are written here; signed consents are only read.
        *CONSENT,
        *grants("consent", "add change", "consenttext"),
        # When each plan's questionnaires are due is part of the plan template.
        *grants("outcomes", "view add change delete", "measurepoint"),
        *grants("outcomes", "view add", "response"),
        *grants("outcomes", "view", "historicalmeasurepoint", "historicalresponse"),
        # Who works when, the rooms and the clinic's hours; appointments as reception has them.
        *grants(
            "appointments",
            "view add change",
            "appointment",
            "room",
            "openinghours",
            "workinghours",
        ),
        *grants("appointments", "view add change delete", "absence"),
        *grants(
            "appointments",
            "view",
            *(f"historical{name}" for name in ("room", "openinghours", "workinghours")),
            "historicalabsence",
            "historicalappointment",
        ),
        *grants(
            "consent", "view", "historicalconsenttext", "historicalconsent", "historicalwithdrawal"
        ),
        *grants("axes", "view delete", "accessattempt"),
        *grants("axes", "view", "accessfailurelog", "accesslog"),
    ],
}


def apply(*, apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Give each role's group exactly the permissions of the table (creating what is missing).
    Safe to run again: it changes only what differs."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=apps)
    named = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, names in PERMISSIONS.items():
        missing = sorted(set(names) - set(named))
        if missing:
            raise ImproperlyConfigured(f"clinic.roles names unknown permissions: {missing}")
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([named[name] for name in names])


def apply_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver (clinic.apps)."""
    apply(apps=apps, using=using)


def role_names(user):
    """The roles of a signed-in user, read once per request."""
    if not hasattr(user, "_clinic_roles"):
        user._clinic_roles = set(user.groups.filter(name__in=ALL).values_list("name", flat=True))
    return user._clinic_roles


def is_clinic_admin(user):
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or CLINIC_ADMIN in role_names(user)


def has_role(user):
    """Whether the user may see any client data at all."""
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or bool(role_names(user))
