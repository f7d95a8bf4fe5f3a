from clinic import roles


def role_flags(request):
    """What the navigation needs to know about the signed-in user's role, computed on use."""
    return {"is_clinic_admin": lambda: roles.is_clinic_admin(request.user)}
