"""What every back-office page with a change history shares."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from clinic.lib.audit import record


class HistoryAdmin(SimpleHistoryAdmin):
    """Past versions are shown, never restored; an id that cannot be one is a 404; every look
    at a client's record is in the access log, as on the staff pages.

    A revert saves an old version as a whole, past every rule of the services (it could
    un-sign a session or undo a void), so it is refused. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the button; this refuses the request itself.
    """

    # The lookup from a record to its client ("client", "course__client", "pk" for a client),
    # so that opening it is logged; None for the catalogues, which hold no client's data.
    client_lookup = None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self.log_look(request, object_id, "back_office", response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        object_id = valid_id(self.model._meta.pk, object_id)
        response = super().history_view(request, object_id, extra_context)
        self.log_look(request, object_id, "back_office_history", response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are for reading; they cannot be restored.")
        object_id = valid_id(self.model._meta.pk, object_id)
        version_id = valid_id(self.model.history.model._meta.pk, version_id)
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self.log_look(request, object_id, "back_office_history", response)
        return response

    def log_look(self, request, object_id, view_name, response):
        if self.client_lookup is None or response.status_code != 200:
            return
        records = self.model._base_manager.filter(pk=valid_id(self.model._meta.pk, object_id))
        client_id = records.values_list(self.client_lookup, flat=True).first()
        if client_id is not None:
            record(request, client_id, view_name, allowed=True)


def valid_id(field, value):
    """The id in a back-office URL as the field stores it; anything else ("1.0", "x") is a 404
    rather than an error deep in a query. simple-history's views do not check it themselves."""
    try:
        return str(field.to_python(unquote(str(value))))
    except (ValidationError, ValueError, TypeError):
        raise Http404("There is no such record.") from None
