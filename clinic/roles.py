"""
The clinic's roles. Each role is a Django group; its permissions are granted by
data migrations (clinic/migrations/0002_roles.py and later ones), so that what a
role may do is versioned with the code that checks it.
"""

RECEPTION = "Reception"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"

ALL = (RECEPTION, THERAPIST, CLINIC_ADMIN)


def is_clinic_admin(user):
    if not (user.is_active and user.is_authenticated):
        return False
    # Asked several times per request (menu, start page, back office); read the groups once,
    # as Django caches a user's permissions.
    if not hasattr(user, "_is_clinic_admin"):
        user._is_clinic_admin = user.is_superuser or user.groups.filter(name=CLINIC_ADMIN).exists()
    return user._is_clinic_admin


def has_role(user):
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name__in=ALL).exists()
    )
