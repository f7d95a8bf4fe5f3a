"""What every back-office page with a change history shares."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from clinic.lib.audit import SHOWN, record, record_each


class HistoryAdmin(SimpleHistoryAdmin):
    """Past versions are shown, never restored; an id that cannot be one is a 404; every look
    at a client's record is in the access log, as on the staff pages.

    A revert saves an old version as a whole, past every rule of the services (it could
    un-sign a session or undo a void), so it is refused. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the button; this refuses the request itself.
    """

    # Whether the records are a client's (clinic.models.Versioned.client_pk names whose), so
    # that every look at them is logged; the catalogues hold no client's data.
    client_records = False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        shown = getattr(response, "context_data", {}).get("cl")
        if self.client_records and response.status_code == 200 and shown is not None:
            # A list shows names beside clinical data (eligibility, a screening's outcome).
            clients = {record.client_pk for record in shown.result_list}
            record_each(request, sorted(clients), "back_office_list")
        return response

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
            raise PermissionDenied(_("Past versions are for reading; they cannot be restored."))
        object_id = valid_id(self.model._meta.pk, object_id)
        version_id = valid_id(self.model.history.model._meta.pk, version_id)
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self.log_look(request, object_id, "back_office_history", response)
        return response

    def log_look(self, request, object_id, view_name, response):
        if not self.client_records or response.status_code not in SHOWN:
            return
        shown = self.model._base_manager.filter(pk=valid_id(self.model._meta.pk, object_id))
        if (shown := shown.first()) is not None:
            record(request, shown.client_pk, view_name, allowed=True)


def valid_id(field, value):
    """The id in a back-office URL as the field stores it; anything else ("1.0", "x") is a 404
    rather than an error deep in a query. simple-history's views do not check it themselves."""
    try:
        return str(field.to_python(unquote(str(value))))
    except (ValidationError, ValueError, TypeError):
        raise Http404(_("There is no such record.")) from None


class CatalogueAdmin(TranslationAdmin, HistoryAdmin):
    """The back office of a catalogue kept in both languages (each app's translation.py): a
    clinic admin fills in the Russian and the English text of each row, side by side."""
