"""Workflows of the core records that span more than one model."""

from django.db import transaction


@transaction.atomic
def register_client(*, client, conditions=(), by):
    """Save a new client with the next record number, and the conditions being treated.

    The form, the admin and the demo data all register clients through here, so every
    client gets its number the same way and the change history names who registered it.
    """
    client.assign_record_number()
    client.created_by = by
    client._history_user = by
    client.save()
    client.conditions.set(conditions)
    return client
