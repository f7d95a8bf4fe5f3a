"""Recording who looked at a client's record (AccessLog), around the views that show it.

Each app names the views it audits, with the label the back office shows, through
AccessLog.register_views (a record kind through its access_log_views); a view nobody
registered is refused, so that the log's vocabulary stays one the back office can read.
"""

import functools

from django.core.exceptions import PermissionDenied

from clinic.models import AccessLog, Client

# The answers that show the record: the page itself, and the conflict page, which shows the
# saved version beside the person's own.
SHOWN = (200, 409)


def audited(view_name):
    """Log each request of the decorated view: allowed when it shows the record (SHOWN),
    refused when the user's role does not allow it. The view takes the client's id as `pk`, or
    none for a clinic-wide export. `view_name` is the registered code, or a function of the view's
    keyword arguments that gives it (one view serving several exports)."""

    def decorator(view):
        @functools.wraps(view)
        def logged(request, *args, **kwargs):
            pk = kwargs.get("pk")
            try:
                response = view(request, *args, **kwargs)
            except PermissionDenied:
                record(request, pk, code_of(kwargs), allowed=False)
                raise
            if response.status_code in SHOWN:
                record(request, pk, code_of(kwargs), allowed=True)
            return response

        def code_of(kwargs):
            # Asked only once the view has answered: a view that does not exist (a 404) is
            # not logged, and needs no code.
            return view_name(**kwargs) if callable(view_name) else view_name

        return logged

    return decorator


def record_each(request, client_ids, view_name):
    """One allowed row per client, for an export that reads many clients' records at once."""
    known(view_name)
    AccessLog.objects.bulk_create(
        AccessLog(user=request.user, client_id=pk, view=view_name, allowed=True)
        for pk in client_ids
    )


def record(request, pk, view_name, *, allowed):
    known(view_name)
    # An allowed view has just read the client; a refused one may name any number, and only
    # a client that exists is logged (the log would have nothing to point to otherwise).
    if pk is not None and not allowed and not Client.objects.filter(pk=pk).exists():
        return
    AccessLog.objects.create(user=request.user, client_id=pk, view=view_name, allowed=allowed)


def known(view_name):
    if view_name not in AccessLog.VIEWS:
        raise LookupError(f"{view_name!r} is not a registered access-log view (register_views).")
