"""Template filters of the sessions' pages."""

from django import template

from sessions_app.lib import durations

register = template.Library()


@register.filter
def minutes_seconds(seconds):
    """A stage's length as people say it: 180 -> '3:00'."""
    return durations.shown(seconds)
