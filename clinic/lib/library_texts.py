"""Texts the back office shows from its libraries, here so that `make messages` keeps them in
locale/ru, which Django reads before the libraries' own catalogues: django-simple-history
ships its Russian as ru_RU, which a page in `ru` never finds, and lacks some of these;
django-axes names its list filter in English."""

from django.utils.translation import gettext_noop

TEXTS = [
    # django-simple-history: the history pages of the back office.
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
    # django-axes: the sign-in attempts.
    gettext_noop("Locked Out"),
]
