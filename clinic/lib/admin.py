"""What every back-office page with a change history shares."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Past versions are shown, never restored.

    A revert saves an old version as a whole, past every rule of the services (it could
    un-sign a session or undo a void), so it is refused. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the button; this refuses the request itself.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are for reading; they cannot be restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)
