"""Rendered parts of records that no longer change (a signed or voided session, an addendum),
kept in Django's cache (settings.CACHES: one in each process by default, Redis when set) so
that a page showing hundreds of them renders each once, not on every view.

A fragment's key names the record and everything its picture depends on: the record's
version (clinic.models.Versioned: signing, voiding or amending a record makes a new one),
whatever else it shows (a person's name, a catalogue's names), what the viewer may see of it
(a role that sees less gets a fragment of its own), the active language and the release of the
code that drew it (app servers sharing Redis across an upgrade never show each other's old
templates). Anything shown that changes makes a new key, so a stale fragment is never shown,
only left to expire.

The cache only saves work: when it does not answer (Redis down), the page is drawn afresh.
"""

import functools
import hashlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

logger = logging.getLogger(__name__)

# Unused fragments make room for others (the cache evicts them) or expire after a week.
TIMEOUT = 7 * 24 * 60 * 60
# What draws a fragment: the code, the templates and the translations.
DRAWN_BY = (".py", ".html", ".mo")
NOT_THE_APP = {".venv", "node_modules", "staticfiles", ".git", "media", "e2e-screenshots"}


@functools.cache
def release():
    """A digest of every file that draws fragments, the same on every server running the same
    checkout, read once per process."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_THE_APP)
        for name in sorted(files):
            if name.endswith(DRAWN_BY):
                path = Path(folder, name)
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(name, pk, *version):
    """The cache key of the fragment `name` of record `pk` at `version` (any values with a
    stable repr), in the active language."""
    stamp = hashlib.md5(
        repr((version, translation.get_language())).encode(), usedforsecurity=False
    ).hexdigest()
    return f"fragment:{release()}:{name}:{pk}:{stamp}"


def get_many(keys):
    """The fragments already rendered, by key."""
    keys = [k for k in keys if k is not None]
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:  # whichever error the cache's client raises: the page is drawn anyway
        logger.warning("The cache did not answer; drawing the fragments afresh", exc_info=True)
        return {}


def set_many(fragments):
    if not fragments:
        return
    try:
        cache.set_many(fragments, TIMEOUT)
    except Exception:
        logger.warning("The cache did not answer; the fragments are not kept", exc_info=True)


def get_or_render(fragment_key, render):
    """The fragment at `fragment_key`, rendered with `render()` the first time; never
    cached when the key is None (a record that may still change)."""
    if fragment_key is None:
        return render()
    fragment = get_many([fragment_key]).get(fragment_key)
    if fragment is None:
        fragment = render()
        set_many({fragment_key: fragment})
    return fragment
