"""The sign-in lockout (django-axes): which username it counts failed attempts under."""

from django.contrib.auth import get_user_model

# No username is longer than the user model allows; axes' own tables hold 255 characters, and
# a longer one typed at the sign-in form would fail their insert (a 500 on PostgreSQL).
LONGEST = get_user_model()._meta.get_field("username").max_length


def username(request, credentials=None):
    """The username a sign-in attempt names, cut to the longest a user can have."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(typed)[:LONGEST]
