"""What the apps above courses and sessions add to them, without this app knowing them: a
panel on the course page and the session form, and rules a new session must meet.

An app subclasses CourseExtension and registers an instance from its AppConfig.ready():

    class Questionnaires(CourseExtension):
        template = "outcomes/_course_panel.html"   # shown with `panel` (the context below)

        def panel(self, request, course, place):
            return {"due": ...}                      # None: nothing to show here

        def session_errors(self, session, earlier):
            return [ValidationError(...)]            # why this session may not be logged

    extensions.register(Questionnaires())
"""

from dataclasses import dataclass


class CourseExtension:
    template = ""

    def panel(self, request, course, place):
        """The context of this extension's panel on `place` ("course": the course page,
        "session_form": the form logging a session), or None to show nothing."""
        return None

    def session_errors(self, session, earlier):
        """ValidationErrors for a new session of `session.course` (`earlier`: its sessions
        already counted), checked with the technique's rules when it is logged."""
        return []


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


def panels(request, course, place):
    """The panels the registered extensions show on `place` for `course`."""
    return [
        Panel(extension.template, context)
        for extension in _extensions
        if (context := extension.panel(request, course, place)) is not None
    ]


def session_errors(session, earlier):
    return [
        error for extension in _extensions for error in extension.session_errors(session, earlier)
    ]
