"""What the apps above courses and sessions add to them, without this app knowing them: a
panel on the course page, the session form and the session's page, rules a new session must
meet, and where a session is logged from (an appointment) when it is not a walk-in.

An app subclasses CourseExtension and registers an instance from its AppConfig.ready():

    class Questionnaires(CourseExtension):
        template = "outcomes/_course_panel.html"   # shown with `panel` (the context below)

        def panel(self, request, course, place, **about):
            return {"due": ...}                      # None: nothing to show here

        def session_errors(self, session, earlier):
            return [ValidationError(...)]            # why this session may not be logged

    extensions.register(Questionnaires())
"""

from dataclasses import dataclass


class CourseExtension:
    template = ""

    def panel(self, request, course, place, **about):
        """The context of this extension's panel on `place`, or None to show nothing:
        "course", the course page; "session_form", the form logging a new session (`about`
        holds its `origin`, a SessionOrigin or None for a walk-in); "session", a session's
        page (`about` holds the `session`)."""
        return None

    def session_errors(self, session, earlier):
        """ValidationErrors for a new session of `session.course` (`earlier`: its sessions
        already counted), checked with the technique's rules when it is logged."""
        return []


class SessionOrigin:
    """Where a new session is logged from when it is not a walk-in: an app above sessions (an
    appointment the client arrived for) opens the session form with its own first values and
    takes the session as its own in the transaction that logs it."""

    def initial(self):
        """The session form's first values (its performed_at, say)."""
        return {}

    def logged(self, session, by):
        """Take the new `session` as this origin's; a ValidationError refuses the logging."""


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


_extensions = []


def register(extension):
    _extensions.append(extension)
    return extension


def unregister(extension):
    _extensions.remove(extension)


def panels(request, course, place, **about):
    """The panels the registered extensions show on `place` for `course`."""
    return [
        Panel(extension.template, context)
        for extension in _extensions
        if (context := extension.panel(request, course, place, **about)) is not None
    ]


def session_errors(session, earlier):
    return [
        error for extension in _extensions for error in extension.session_errors(session, earlier)
    ]
