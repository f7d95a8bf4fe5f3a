"""The entries of a client's timeline rendered for a page: each by its kind's partial, and an
entry that no longer changes (RecordKind.fragment_version) rendered once and reused from the
cache (clinic.lib.fragments), so a history of hundreds of signed sessions is not drawn again
on every view. Details (SessionKind.read_details: steps, plan differences) are read only for
the entries rendered now."""

from django.contrib.auth.context_processors import PermWrapper
from django.template.loader import get_template

from clinic.context_processors import role_flags
from clinic.lib import fragments, record_kinds

ENTRY_TEMPLATE = "overview/_timeline_entry.html"


def render_entries(entries, history, request):
    """Give each entry its `html`; return the entries."""
    entries = list(entries)
    kinds = {kind.code: kind for kind in record_kinds.registered()}
    keys = {}
    for entry in entries:
        version = kinds[entry.kind].fragment_version(entry.record, history)
        if version is not None:
            keys[id(entry)] = fragments.key(f"timeline-{entry.kind}", entry.record.pk, *version)
    kept = fragments.get_many(list(keys.values()))
    missing = []
    for entry in entries:
        entry.html = kept.get(keys.get(id(entry)))
        if entry.html is None:
            missing.append(entry)
    if not missing:
        return entries
    history.read_details(missing)
    template = get_template(ENTRY_TEMPLATE)
    # What a page's context processors give the partials, once for all of them.
    shared = {
        "request": request,
        "user": request.user,
        "perms": PermWrapper(request.user),
        "history": history,
        **role_flags(request),
    }
    rendered = {}
    for entry in missing:
        entry.html = template.render({**shared, "entry": entry, "record": entry.record})
        if id(entry) in keys:
            rendered[keys[id(entry)]] = entry.html
    fragments.set_many(rendered)
    return entries
