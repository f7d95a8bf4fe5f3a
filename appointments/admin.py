from django.contrib import admin

from appointments.models import Absence, Appointment, OpeningHours, Room, WorkingHours
from clinic.lib.admin import HistoryAdmin


@admin.register(Room)
class RoomAdmin(HistoryAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # retired, never deleted: appointments name it


@admin.register(OpeningHours)
class OpeningHoursAdmin(HistoryAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(HistoryAdmin):
    list_display = ["therapist", "weekday", "starts", "ends"]
    list_filter = ["therapist", "weekday"]


@admin.register(Absence)
class AbsenceAdmin(HistoryAdmin):
    list_display = ["therapist", "kind", "starts_at", "ends_at", "note"]
    list_filter = ["therapist", "kind"]
    date_hierarchy = "starts_at"


@admin.register(Appointment)
class AppointmentAdmin(HistoryAdmin):
    """Read here, with the history of each change; booked and changed on the staff pages,
    whose services keep the rules."""

    client_records = True
    list_display = ["starts_at", "client", "therapist", "room", "status"]
    list_filter = ["status", "therapist", "room"]
    list_select_related = ["client", "therapist", "room"]
    date_hierarchy = "starts_at"
    search_fields = ["client__record_number", "client__last_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
