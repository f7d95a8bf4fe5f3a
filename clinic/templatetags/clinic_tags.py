from django import template

register = template.Library()


@register.filter
def person(user, default="—"):
    """A staff member as people call them: full name, else username; a dash when nobody."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
