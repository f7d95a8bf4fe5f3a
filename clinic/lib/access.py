"""The one way a view reaches a client's records: a 403 without the role, a 404 when missing,
and, for a page that adds or changes something, the archived-client guard."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from clinic.models import Client


def client_for(request, pk, perm="clinic.view_client", *, changes=False):
    """The client `pk` for a user with `perm`. With `changes`, an archived client raises
    ArchivedClientError, which sends the person back to the client's page saying why."""
    # The permission is checked first, so that someone without the role cannot even learn
    # which record numbers exist.
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your role does not allow this."))
    client = get_object_or_404(Client, pk=pk)
    if changes:
        client.ensure_active()
    return client
