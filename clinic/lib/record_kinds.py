"""How each kind of record shows itself in a client's history: the one interface between the
apps that keep records and the read side (clinic.overview) that shows them.

The read side builds the client's timeline, print view, CSV and FHIR exports, and the access
log's vocabulary from the kinds registered here; it names no kind to do so (it draws its
pain chart and body map from the sessions, which it knows as the layer above them). An app adds a
kind by subclassing `RecordKind` and registering an instance from its AppConfig.ready():

    class ScreeningKind(RecordKind):
        code = "screening"                       # the timeline's filter value
        label = _("Screenings")                  # the filter's name (gettext_lazy)
        permission = "screening.view_screening"  # who sees this kind at all
        template = "screening/_timeline_screening.html"
        access_log_views = {"screening": _("Screening")}

        def load(self, client, history):
            return list(client.screenings.with_answers())

        def moment(self, screening):
            return start_of(screening.screened_on)

    record_kinds.register(ScreeningKind())

The template shows one record (`record`, with `entry` and `history` beside it) inside the
timeline's list item, for the page and for print alike. A kind whose records stop changing
(a signed session) gives `fragment_version`, and each entry is then rendered once and reused.
Kinds are listed, and records of the same moment ordered, in the order they are registered
(INSTALLED_APPS order, then the order of `register` calls within an app).

Labels are read in the language of each page: give them as lazy translations (gettext_lazy),
never as strings translated when the module is imported.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from clinic.lib.days import start_of
from clinic.models import AccessLog

__all__ = [
    "CsvExport",
    "Entry",
    "RecordKind",
    "csv_export",
    "register",
    "registered",
    "start_of",
    "unregister",
]


@dataclass(frozen=True)
class CsvExport:
    """A CSV file of one kind's records, offered on the client's page as `<name>.csv`."""

    name: str  # the file's name and URL part: /clients/<id>/<name>.csv
    label: str  # the link on the client's page, e.g. "Sessions (CSV)"
    permission: str  # who may download it
    header: list
    rows: Callable[[Any], Iterable[list]]  # client -> rows, in a fixed number of queries
    access_log: tuple  # (code, label) of its downloads in the access log: ("csv", "Sessions CSV")


@dataclass
class Entry:
    """One event of a client's history."""

    kind: str  # the code of its kind
    at: datetime.datetime
    record: Any
    template: str
    timed: bool  # whether the moment has a time of day worth showing
    html: str = ""  # the entry as shown, once rendered (clinic.overview.lib.timeline)


class RecordKind:
    """A kind of record in the client's history. Subclasses set the attributes and override
    what they provide; everything but `load` and `moment` is optional."""

    code = ""
    label = ""
    # The permission a user needs to see records of this kind; None: everyone who may open
    # the client's page.
    permission = None
    template = ""
    # Whether the moment carries a time of day (a session) or only a date (a referral).
    timed = False
    # The pages of this kind whose every look is written to the access log: code -> label.
    access_log_views = {}
    csv = None  # a CsvExport, when the kind offers one

    def visible_to(self, user):
        return self.permission is None or user.has_perm(self.permission)

    def load(self, client, history):
        """The client's records of this kind that `history.user` may see, in a fixed number of
        queries. `history.records(code)` gives what kinds registered earlier have loaded."""
        raise NotImplementedError

    def moment(self, record):
        """When the record happened, as an aware datetime (see `start_of` for a date)."""
        raise NotImplementedError

    def read_details(self, records, history):
        """Fetch what showing these records in full needs, for the records on a page only (or
        all of them, for print and export), in a fixed number of queries."""

    def fragment_version(self, record, history):
        """Everything the record's entry shows `history.user` that may change, when the entry
        may be rendered once and kept (clinic.lib.fragments): the record's version, the names
        it shows, what the user's role may see of it. None (the default): rendered on every
        view, as a record that may still change is."""
        return None

    def fhir_entries(self, record, patient, history):
        """The HL7 FHIR R4 resources of one record, as (fullUrl, resource dict) pairs;
        `patient` is the reference of the client's Patient resource."""
        return []


_kinds = {}


def register(kind):
    """Add a kind to every client's history; its access-log views join the vocabulary."""
    if kind.code in _kinds:
        raise ValueError(f"A record kind {kind.code!r} is registered already.")
    _kinds[kind.code] = kind
    AccessLog.register_views(views_of(kind))
    return kind


def unregister(code):
    """Take a kind out again (for tests that register a kind of their own)."""
    kind = _kinds.pop(code)
    AccessLog.unregister_views(views_of(kind))


def registered():
    """Every registered kind, in the order of registration."""
    return list(_kinds.values())


def csv_export(name):
    """The CSV export called `name` (its file name), or None."""
    return next((kind.csv for kind in _kinds.values() if kind.csv and kind.csv.name == name), None)


def views_of(kind):
    return dict([*kind.access_log_views.items(), *([kind.csv.access_log] if kind.csv else [])])
