"""The one way a view reaches a client's records: a 403 without the role, a 404 when missing."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from clinic.models import Client


def client_for(request, pk, perm="clinic.view_client"):
    # The permission is checked first, so that someone without the role cannot even learn
    # which record numbers exist.
    if not request.user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this.")
    return get_object_or_404(Client, pk=pk)
