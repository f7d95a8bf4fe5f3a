"""Workflows of the core records that span more than one model. The staff pages, the back
office and the demo data all write clients and referral notes through here."""

from django.db import transaction

from clinic.lib.corrections import give_reason


@transaction.atomic
def register_client(*, client, conditions=(), by):
    """Save a new client with the next record number, and the conditions being treated.

    Every client gets its number the same way, and the change history names who registered it.
    """
    client.assign_record_number()
    client.created_by = by
    client._history_user = by
    client.save()
    client.conditions.set(conditions)
    return client


@transaction.atomic
def file_referral(*, note, by, reason=""):
    """Save a referral note, new or corrected, checked by ReferralNoteForm (or `full_clean`).

    Nothing is filed for an archived client; a correction says why (`reason`, kept beside
    the old values), and one saved over someone else's raises EditConflict."""
    note.client.ensure_active()
    give_reason(note, reason)
    if note._state.adding:
        note.recorded_by = by
    note._history_user = by
    note.save()
    return note
