"""A client's whole history, read once for the client's page, the print view and the exports.

Every kind of record comes from its own app through clinic.lib.record_kinds; `load` asks each
registered kind the user may see for its records, each in a fixed number of queries, so the
page costs the same whatever the length of the history. The pain chart and the body map of
the client's page are drawn from the sessions read here, the questionnaires' charts from
the responses.
"""

from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone, translation

from clinic.lib import fragments, record_kinds
from clinic.lib.record_kinds import Entry
from clinic.overview.lib.charts import OUTCOME_SCALES, outcome_chart, pain_chart
from outcomes.instruments import shipped
from sessions_app.models import SessionStep


def kept(chart):
    """The chart as the cache keeps it: its points without their sessions."""
    return {
        **chart,
        "points": [{k: v for k, v in point.items() if k != "session"} for point in chart["points"]],
    }


class ClientHistory:
    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.today = timezone.localdate()
        self.kinds = [kind for kind in record_kinds.registered() if kind.visible_to(user)]
        self._records = {}

    @classmethod
    def load(cls, client, user):
        """What `user` may see of the client's history: a kind the role may not read is not
        even queried."""
        history = cls(client, user)
        for kind in history.kinds:
            history._records[kind.code] = kind.load(client, history)
        return history

    def records(self, code):
        """The records of one kind, as loaded (none when the user may not see the kind)."""
        return self._records.get(code, [])

    def entries(self, only=None):
        """Every event of the history, newest first; only those of the kind `only` when given."""
        order = {kind.code: rank for rank, kind in enumerate(self.kinds)}
        entries = [
            Entry(kind.code, kind.moment(record), record, kind.template, kind.timed)
            for kind in self.kinds
            if not only or kind.code == only
            for record in self.records(kind.code)
        ]
        # Newest first; on the same moment, the later kind of record and the later row first.
        return sorted(
            entries,
            key=lambda entry: (entry.at, order[entry.kind], entry.record.pk),
            reverse=True,
        )

    def read_details(self, entries):
        """Let each kind fetch what showing these entries in full needs (those on the page)."""
        by_kind = defaultdict(list)
        for entry in entries:
            by_kind[entry.kind].append(entry.record)
        for kind in self.kinds:
            if by_kind[kind.code]:
                kind.read_details(by_kind[kind.code], self)

    def csv_exports(self):
        """The CSV files of the client's records this user may download."""
        return [
            kind.csv
            for kind in record_kinds.registered()
            if kind.csv and self.user.has_perm(kind.csv.permission)
        ]

    @property
    def consents(self):
        """The client's consents and refusals, newest first, for the page's own panel."""
        return self.records("consent")

    # What the read side draws from courses and sessions.

    @property
    def sees_sessions(self):
        return self.user.has_perm("sessions_app.view_session")

    @property
    def courses(self):
        return self.records("course")

    @property
    def sessions(self):
        return self.records("session")

    def pain_chart(self):
        """The pain chart, drawn once for each state of the counted sessions and kept
        (clinic.lib.fragments): each session's version and its course's (whose massage type
        the table names) say when it must be drawn again."""
        if not self.sees_sessions:
            return None
        sessions = self.counted_sessions()
        shown = [(s.pk, s.version, s.course_id, s.course.version) for s in sessions]
        chart = fragments.get_or_render(
            fragments.key("pain-chart", self.client.pk, shown), lambda: kept(pain_chart(sessions))
        )
        # The sessions themselves are not kept with the chart: each point gets its own back.
        points = [
            {**point, "session": session}
            for point, session in zip(chart["points"], sessions, strict=True)
        ]
        return {**chart, "points": points}

    def outcome_charts(self):
        """The ODI and pain questionnaires over the client's courses, each as a chart with
        its name: those taken, not replaced by a correction, and scored."""
        charts = []
        for code in OUTCOME_SCALES:
            responses = sorted(
                (
                    r
                    for r in self.records("response")
                    if r.instrument == code and r.score is not None and not r.is_replaced
                ),
                key=lambda r: (r.taken_on, r.recorded_at),
            )
            if responses:
                instrument = shipped()[code]
                charts.append(
                    {
                        "name": instrument.name(translation.get_language()),
                        "chart": outcome_chart(instrument, responses),
                    }
                )
        return charts

    def counted_sessions(self):
        """The sessions that count (not voided), oldest first."""
        return [session for session in self.sessions if not session.is_voided]

    def zone_counts(self, course):
        """How many steps of the course's counted sessions worked each zone, by zone id: one
        counting query, whatever the length of the course."""
        if not self.sees_sessions:
            return Counter()
        rows = (
            SessionStep.objects.filter(session__in=course.sessions.counted())
            .values("zone")
            .annotate(steps=Count("id"))
        )
        return Counter({row["zone"]: row["steps"] for row in rows})
