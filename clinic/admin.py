from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TranslationAdmin

from clinic import roles
from clinic.forms import ClientForm, ReferralNoteForm, therapists
from clinic.lib.admin import HistoryAdmin
from clinic.models import AccessLog, Client, Condition, ReferralNote, User
from clinic.services import file_referral, register_client


class ArchivedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("archived", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "archived":
            return queryset.archived()
        return queryset


class TherapistFilter(admin.SimpleListFilter):
    """Clients by primary therapist: the therapists only, not every member of staff."""

    title = _("primary therapist")
    parameter_name = "primary_therapist"

    def lookups(self, request, model_admin):
        return [(str(user.pk), str(user)) for user in therapists()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(primary_therapist_id=self.value())
        return queryset


@admin.register(Client)
class ClientAdmin(HistoryAdmin):
    client_records = True
    # The staff form, so that the back office refuses the same bad input with the same words.
    form = ClientForm
    list_display = [
        "record_number",
        "name",
        "date_of_birth",
        "phone_shown",
        "primary_therapist",
        "is_active",
    ]
    list_display_links = ["record_number", "name"]
    list_filter = [ArchivedFilter, TherapistFilter, "conditions", "sex", "activity_level"]
    list_select_related = ["primary_therapist"]
    search_fields = ["record_number", "last_name", "first_name", "patronymic", "phone", "email"]
    readonly_fields = ["record_number", "archived_at", "created_at", "updated_at", "created_by"]
    filter_horizontal = ["conditions"]
    date_hierarchy = "created_at"
    actions = ["archive_clients", "restore_clients"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "record_number",
                    ("last_name", "first_name", "patronymic"),
                    ("date_of_birth", "sex"),
                    "opened_version",
                ]
            },
        ),
        (_("Contact"), {"fields": ["phone", "email", "language", "reminders", "address"]}),
        (
            _("Clinical"),
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
        (_("System"), {"fields": ["archived_at", "created_at", "updated_at", "created_by"]}),
    ]

    @admin.display(description=_("full name"), ordering="name_key")
    def name(self, client):
        return client.full_name

    @admin.display(description=_("phone"), ordering="phone")
    def phone_shown(self, client):
        return client.phone_shown

    @admin.display(boolean=True, description=_("active"), ordering="archived_at")
    def is_active(self, client):
        return not client.is_archived

    def has_delete_permission(self, request, obj=None):
        # Clinical records are archived, never deleted, in the back office too.
        return False

    def get_search_results(self, request, queryset, search_term):
        # The staff search, so that Cyrillic names are found on SQLite too.
        return queryset.search(search_term), False

    def has_archive_permission(self, request):
        return request.user.has_perm("clinic.archive_client")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            register_client(client=obj, by=request.user)

    @admin.action(description=_("Archive selected clients"), permissions=["archive"])
    def archive_clients(self, request, queryset):
        clients = list(queryset.active())
        for client in clients:
            client.archive()
        count = len(clients)
        self.message_user(
            request,
            ngettext("%(count)d client archived.", "%(count)d clients archived.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore selected clients"), permissions=["archive"])
    def restore_clients(self, request, queryset):
        clients = list(queryset.archived())
        for client in clients:
            client.restore()
        count = len(clients)
        self.message_user(
            request,
            ngettext("%(count)d client restored.", "%(count)d clients restored.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Condition)
class ConditionAdmin(TranslationAdmin):
    list_display = ["name", "icd10", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "icd10"]

    def has_delete_permission(self, request, obj=None):
        # Retire a condition instead: clients who have it keep it on their record.
        return False


@admin.register(ReferralNote)
class ReferralNoteAdmin(HistoryAdmin):
    client_records = True
    # The staff form, so that the back office checks scans and dates the same way.
    form = ReferralNoteForm
    list_display = ["client", "specialist_name", "consult_date", "stage", "decision", "valid_until"]
    list_filter = ["decision", "stage", "specialty"]
    list_select_related = ["client"]
    search_fields = ["client__record_number", "client__last_name", "specialist_name", "diagnosis"]
    date_hierarchy = "consult_date"
    # A raw id, not the autocomplete widget: that one crashes re-rendering a forged value.
    raw_id_fields = ["client"]
    readonly_fields = ["scan_link", "recorded_by", "created_at", "updated_at"]
    fields = [
        "client",
        ("specialist_name", "specialty"),
        "consult_date",
        ("diagnosis", "icd10"),
        "stage",
        "decision",
        "restrictions",
        "valid_until",
        "scan",
        "scan_link",
        "opened_version",
        ("recorded_by", "created_at", "updated_at"),
    ]
    # Scans have no public URL: the widget must not link to one, the scan view serves them.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}

    def get_readonly_fields(self, request, obj=None):
        # A note stays with the client it was filed for.
        return [*self.readonly_fields, "client"] if obj else self.readonly_fields

    @admin.display(description=_("stored scan"))
    def scan_link(self, note):
        if not note.scan:
            return "—"
        url = reverse("clinic:referral_scan", args=[note.client_id, note.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the scan"))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*fields, "correction_reason"] if obj else fields

    def save_model(self, request, obj, form, change):
        # The service the staff page uses: the same archived-client guard, reason and history.
        reason = form.cleaned_data.get("correction_reason", "")
        file_referral(note=obj, by=request.user, reason=reason)


class RoleFilter(admin.SimpleListFilter):
    """Staff by role, by the names people read."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, roles.label(name)) for name in roles.ALL]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class ClinicUserAdmin(UserAdmin):
    """Clinic admins manage accounts and give roles, but cannot raise anyone above a clinic
    admin, touch a superuser's account, or delete anyone: people who leave are deactivated,
    so that every record they signed keeps its author."""

    # People by their names, with the roles that say what they may do.
    list_display = ["full_name", "username", "roles", "is_active"]
    list_display_links = ["full_name", "username"]
    list_filter = [RoleFilter, "is_active"]
    search_fields = ["username", "last_name", "first_name", "patronymic", "email"]
    ordering = ["last_name", "first_name", "username"]
    fieldsets = [
        UserAdmin.fieldsets[0],
        (
            _("Personal info"),
            {"fields": ("last_name", "first_name", "patronymic", "email", "language")},
        ),
        *UserAdmin.fieldsets[2:],
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name() or "—"

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(sorted(str(roles.label(group.name)) for group in user.groups.all())) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # A role, never a group a superuser made with other permissions.
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ALL)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and formfield is not None:
            # The roles by the names people read; the groups keep their English names.
            formfield.label_from_instance = lambda group: str(roles.label(group.name))
        return formfield

    def save_related(self, request, form, formsets, change):
        # Groups the form did not offer (a superuser's own) stay as they were.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=roles.ALL))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    """Authenticator secrets are a superuser's business: a clinic admin who could read them
    could pass anyone's second factor (their secrets stay hidden even then:
    OTP_ADMIN_HIDE_SENSITIVE_DATA). Clinic admins renew their own on the Two-factor page."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """What the three roles may do is clinic.roles' table, applied after every migrate; here
    it is read, even by a superuser. Clinic admins only read groups (a group they could edit
    would give them any permission); a superuser may keep other groups of the clinic's own."""

    # A role by the name people read; its stored (English) name is on its own page.
    list_display = ["shown_as"]

    @admin.display(description=_("role"), ordering="name")
    def shown_as(self, group):
        return roles.label(group.name)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in roles.ALL:
            return ["shown_as", "name", "permissions"]
        return super().get_readonly_fields(request, obj)


class ViewFilter(admin.SimpleListFilter):
    """The audited views, as the apps registered them (AccessLog.VIEWS)."""

    title = _("view")
    parameter_name = "view"

    def lookups(self, request, model_admin):
        # Sorted by the label as read in the current language.
        return sorted(AccessLog.VIEWS.items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(view=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who looked at which record. Read here; written only by the views themselves."""

    list_display = ["at", "user", "client_records", "view_label", "allowed"]
    # An entry's own page names its view by its label, not its code.
    fields = ["at", "user", "client", "view_label", "allowed"]
    readonly_fields = ["view_label"]
    list_filter = ["allowed", ViewFilter, ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "client"]
    search_fields = ["client__record_number", "client__last_name", "user__username"]
    date_hierarchy = "at"

    @admin.display(description=_("client"), ordering="client__record_number")
    def client_records(self, entry):
        """The client, linking to every look at this client's records."""
        if entry.client_id is None:
            return _("— (clinic-wide)")
        url = reverse("admin:clinic_accesslog_changelist") + f"?client__id__exact={entry.client_id}"
        return format_html(
            '<a href="{}" title="{}">{}</a>', url, _("Every look at this record"), entry.client
        )

    @admin.display(description=_("view"), ordering="view")
    def view_label(self, entry):
        return entry.view_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
