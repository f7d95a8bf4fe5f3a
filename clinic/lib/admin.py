"""What every back-office page with a change history shares."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Past versions are shown, never restored; an id that cannot be one is a 404.

    A revert saves an old version as a whole, past every rule of the services (it could
    un-sign a session or undo a void), so it is refused. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the button; this refuses the request itself.
    """

    def history_view(self, request, object_id, extra_context=None):
        object_id = valid_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are for reading; they cannot be restored.")
        object_id = valid_id(self.model._meta.pk, object_id)
        version_id = valid_id(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def valid_id(field, value):
    """The id in a back-office URL as the field stores it; anything else ("1.0", "x") is a 404
    rather than an error deep in a query. simple-history's views do not check it themselves."""
    try:
        return str(field.to_python(unquote(str(value))))
    except (ValidationError, ValueError, TypeError):
        raise Http404("There is no such record.") from None
