from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import Client, Condition
from clinic.services import register_client


class ArchivedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("archived", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "archived":
            return queryset.archived()
        return queryset


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    list_display = [
        "record_number",
        "last_name",
        "first_name",
        "date_of_birth",
        "phone",
        "primary_therapist",
        "is_active",
    ]
    list_display_links = ["record_number", "last_name"]
    list_filter = [ArchivedFilter, "primary_therapist", "conditions", "sex", "activity_level"]
    list_select_related = ["primary_therapist"]
    search_fields = ["record_number", "last_name", "first_name", "phone", "email"]
    readonly_fields = ["record_number", "archived_at", "created_at", "updated_at", "created_by"]
    filter_horizontal = ["conditions"]
    date_hierarchy = "created_at"
    actions = ["archive_clients", "restore_clients"]
    fieldsets = [
        (
            None,
            {"fields": ["record_number", ("first_name", "last_name"), ("date_of_birth", "sex")]},
        ),
        ("Contact", {"fields": ["phone", "email", "address"]}),
        (
            "Clinical",
            {
                "fields": [
                    "occupation",
                    "activity_level",
                    "complaint",
                    "conditions",
                    "primary_therapist",
                ]
            },
        ),
        ("System", {"fields": ["archived_at", "created_at", "updated_at", "created_by"]}),
    ]

    @admin.display(boolean=True, description="active", ordering="archived_at")
    def is_active(self, client):
        return not client.is_archived

    def has_delete_permission(self, request, obj=None):
        # Clinical records are archived, never deleted, in the back office too.
        return False

    def has_archive_permission(self, request):
        return request.user.has_perm("clinic.archive_client")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            register_client(client=obj, by=request.user)

    @admin.action(description="Archive selected clients", permissions=["archive"])
    def archive_clients(self, request, queryset):
        clients = list(queryset.active())
        for client in clients:
            client.archive()
        self.message_user(request, f"{len(clients)} client(s) archived.", messages.SUCCESS)

    @admin.action(description="Restore selected clients", permissions=["archive"])
    def restore_clients(self, request, queryset):
        clients = list(queryset.archived())
        for client in clients:
            client.restore()
        self.message_user(request, f"{len(clients)} client(s) restored.", messages.SUCCESS)


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "icd10", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "icd10"]

    def has_delete_permission(self, request, obj=None):
        # Retire a condition instead: clients who have it keep it on their record.
        return False
