"""The pictures of the client's page, drawn on the server as SVG: pain across sessions, and
the body zones a course worked. Each comes with the numbers for a text alternative."""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.models import Intensity

# Coordinates are plain numbers, written by Python (never localised: a Russian page writes
# decimal commas, which SVG cannot read); the templates print them with |unlocalize.
# Room around the plot for the axes' numbers and titles, and for the last dot (r=4) whole.
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 14, 62
PAIN_MAX = 10
# A long history labels at most this many sessions on the x-axis, first and last included.
X_LABELS = 6


def pain_chart(sessions):
    """Points of pain before and after each session, oldest first, and a one-line summary."""
    sessions = list(sessions)
    span = WIDTH - LEFT - RIGHT
    step = span / (len(sessions) - 1) if len(sessions) > 1 else 0
    points = []
    for index, session in enumerate(sessions):
        x = LEFT + (step * index if len(sessions) > 1 else span / 2)
        points.append(
            {
                "x": round(x, 1),
                "before": session.pain_before,
                "after": session.pain_after,
                "y_before": y_of(session.pain_before),
                "y_after": y_of(session.pain_after),
                "session": session,
                "name": escape(str(session)),
                "at": localtime(session.performed_at),
                # In the table of numbers: the compact date of the active language.
                "day": date_format(localtime(session.performed_at), "SHORT_DATE_FORMAT"),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "x_labels": x_labels(points),
        # Where the axes' titles sit: under the session labels, and turned along the y-axis.
        "x_title": {"x": LEFT + (WIDTH - LEFT - RIGHT) / 2, "y": HEIGHT - 6},
        "y_title": {"x": 14, "y": TOP + (HEIGHT - TOP - BOTTOM) / 2},
        "ticks": [{"value": v, "y": y_of(v)} for v in range(0, PAIN_MAX + 1, 2)],
        "points": points,
        "before_line": " ".join(f"{p['x']},{p['y_before']}" for p in points),
        "after_line": " ".join(f"{p['x']},{p['y_after']}" for p in points),
        "dots": dots(points),
        "table_rows": table_rows(points),
        "summary": summary(points),
    }


# A history of hundreds of sessions draws hundreds of dots and table rows: built here in one
# pass (escaped), as a template loop would make the page several times slower.
def dots(points):
    # Translated once for the whole chart; the numbers are filled in for each dot.
    before = escape(_("%(session)s: pain %(score)s before"))
    after = escape(_("%(session)s: pain %(score)s after"))
    return mark_safe(
        "".join(
            f'<circle cx="{p["x"]}" cy="{p["y_before"]}" r="4" class="chart-before-dot">'
            f"<title>{before % {'session': p['name'], 'score': p['before']}}</title></circle>"
            f'<circle cx="{p["x"]}" cy="{p["y_after"]}" r="4" class="chart-after-dot">'
            f"<title>{after % {'session': p['name'], 'score': p['after']}}</title></circle>"
            for p in points
        )
    )


def table_rows(points):
    # A client has a few courses and hundreds of sessions: name each course once.
    courses = {p["session"].course_id: p["session"].course for p in points}
    kinds = {
        pk: escape(course.get_massage_type_display().lower()) for pk, course in courses.items()
    }
    return mark_safe(
        "".join(
            f"<tr><td>{p['session'].number} ({kinds[p['session'].course_id]})</td>"
            f"<td>{escape(p['day'])}</td><td>{p['before']}</td><td>{p['after']}</td></tr>"
            for p in points
        )
    )


def x_labels(points):
    """The sessions named under the x-axis: each, or a few evenly spread in a long history,
    with the session's number and date."""
    if len(points) <= X_LABELS:
        chosen = points
    else:
        last = len(points) - 1
        chosen = [points[round(last * i / (X_LABELS - 1))] for i in range(X_LABELS)]
    return [
        {
            "x": point["x"],
            "number": _("No. %(number)s") % {"number": point["session"].number},
            "day": point["day"],
        }
        for point in chosen
    ]


def y_of(pain):
    usable = HEIGHT - TOP - BOTTOM
    return round(TOP + usable * (PAIN_MAX - pain) / PAIN_MAX, 1)


def summary(points):
    """The chart in one sentence, its dates written as in prose."""
    if not points:
        return _("No sessions yet, so no pain scores.")
    first, last = points[0], points[-1]
    if len(points) == 1:
        return _(
            "One session (%(day)s): pain %(before)s before and %(after)s after, "
            "on a scale of 0 to 10."
        ) % {
            "day": date_format(first["at"], "DATE_FORMAT"),
            "before": first["before"],
            "after": first["after"],
        }
    return ngettext(
        "Over %(count)d session from %(first)s to %(last)s, pain before the session went "
        "from %(first_before)s to %(last_before)s, and after it from %(first_after)s to "
        "%(last_after)s (0 to 10).",
        "Over %(count)d sessions from %(first)s to %(last)s, pain before the session went "
        "from %(first_before)s to %(last_before)s, and after it from %(first_after)s to "
        "%(last_after)s (0 to 10).",
        len(points),
    ) % {
        "count": len(points),
        "first": date_format(first["at"], "DATE_FORMAT"),
        "last": date_format(last["at"], "DATE_FORMAT"),
        "first_before": first["before"],
        "last_before": last["before"],
        "first_after": first["after"],
        "last_after": last["after"],
    }


def body_map(zones, counts):
    """Each zone of the catalogue with how often the course worked it, by zone code."""
    most = max(counts.values(), default=0)
    return {
        zone.code: {
            "name": zone.name,
            "count": counts.get(zone.pk, 0),
            # Never fully transparent: an unworked zone stays visible as an outline.
            "opacity": round(0.08 + 0.82 * counts.get(zone.pk, 0) / most, 2) if most else 0.08,
            "light_only": zone.deepest == Intensity.LIGHT,
        }
        for zone in zones
    }


# The questionnaires drawn on the client's page, with the top of their scale and its ticks.
OUTCOME_SCALES = {"odi": (100, 20), "pain": (10, 2)}


def outcome_chart(instrument, responses):
    """A questionnaire's scores over the client's courses, oldest first: each taken (not
    replaced by a correction) and scored, as points and as a table's rows."""
    top, tick = OUTCOME_SCALES[instrument.code]
    span = WIDTH - LEFT - RIGHT
    step = span / (len(responses) - 1) if len(responses) > 1 else 0
    usable = HEIGHT - TOP - BOTTOM

    def y(value):
        return round(TOP + usable * (top - float(value)) / top, 1)

    points = [
        {
            "x": round(LEFT + (step * index if len(responses) > 1 else span / 2), 1),
            "y": y(response.score),
            "response": response,
            "day": date_format(response.taken_on, "SHORT_DATE_FORMAT"),
        }
        for index, response in enumerate(responses)
    ]
    chosen = points
    if len(points) > X_LABELS:
        last = len(points) - 1
        chosen = [points[round(last * i / (X_LABELS - 1))] for i in range(X_LABELS)]
    return {
        "code": instrument.code,
        "higher_is_better": instrument.higher_is_better,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "top": top,
        "x_labels": chosen,
        "x_title": {"x": LEFT + span / 2, "y": HEIGHT - 6},
        "y_title": {"x": 14, "y": TOP + usable / 2},
        "ticks": [{"value": v, "y": y(v)} for v in range(0, top + 1, tick)],
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
    }
