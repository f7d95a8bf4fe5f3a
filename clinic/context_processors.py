from clinic import roles


def role_flags(request):
    """What the pages need to know about the signed-in user's role, computed on use."""
    return {
        "is_clinic_admin": lambda: roles.is_clinic_admin(request.user),
        "has_role": lambda: roles.has_role(request.user),
    }
