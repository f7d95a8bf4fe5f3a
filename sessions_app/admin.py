from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.lib.admin import CatalogueAdmin, HistoryAdmin
from clinic.lib.catalogues import translated_fields
from clinic.lib.versions import VersionedForm
from sessions_app.lib.technique import step_errors
from sessions_app.models import (
    Addendum,
    Course,
    CourseStep,
    PlanTemplate,
    Session,
    SessionStep,
    Technique,
    TemplateStep,
    Zone,
)


class CourseAdminForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["goal", "planned_sessions", "frequency_days", "status"]

    def clean(self):
        self.instance.client.ensure_active()
        return super().clean()


class TechniqueCatalogueAdmin(CatalogueAdmin):
    """Techniques and zones are retired, never deleted: plans and sessions refer to them."""

    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Templates are checked when a course is planned from them; say at once which ones
        # this change has put outside the technique.
        broken = [
            template.name
            for template in PlanTemplate.objects.active().prefetch_related(
                "steps__technique", "steps__zone"
            )
            if step_errors(list(template.steps.all()))
        ]
        if broken:
            self.message_user(
                request,
                gettext(
                    "These plan templates no longer follow the clinic's technique and cannot "
                    "be used until corrected: %(templates)s."
                )
                % {"templates": ", ".join(broken)},
                messages.WARNING,
            )


@admin.register(Technique)
class TechniqueAdmin(TechniqueCatalogueAdmin):
    list_display = ["name", "category", "is_relaxing", "opens", "position", "is_active"]
    list_filter = ["category", "is_relaxing", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.is_named_in_rules:
            return ["code", *translated_fields("name"), "is_relaxing", "why_fixed"]
        return ["code", "is_relaxing", "why_fixed"]

    @admin.display(boolean=True, description=_("may open a session"))
    def opens(self, technique):
        return technique.opens_session

    @admin.display(description=_("why “relaxing” is fixed"))
    def why_fixed(self, technique):
        return gettext(
            "Which techniques open and close a session is a rule of the clinic's technique: "
            "only the gluteal stretch and stroking open one; stroking, shaking and the relaxing "
            "techniques the clinic adds close it; kneading, rubbing, vibration, push-ups and "
            "fist-crest stretching never do. Whether a new technique relaxes is said when it "
            "is added; the techniques the rules name keep their names."
        )


@admin.register(Zone)
class ZoneAdmin(TechniqueCatalogueAdmin):
    list_display = ["name", "max_intensity", "position", "is_active"]
    # Retiring is done on a zone's own page, where the light-only zones say why they stay.
    list_editable = ["position"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_light_only:
            return ["code", *translated_fields("name"), "max_intensity", "is_active", "why_fixed"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("why the depth is fixed"))
    def why_fixed(self, zone):
        return gettext(
            "No intense work over the kidney area, only light work over the projection of the "
            "heart: a rule of the clinic's technique, not a setting. So the zone keeps its name "
            "and stays in use."
        )


class TemplateStepFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        # A template is a plan like any other: the clinic's technique holds for it too.
        errors = step_errors(sorted(kept, key=lambda step: (step.stage, step.position)))
        if errors:
            raise ValidationError(errors)


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    formset = TemplateStepFormSet
    fields = [
        "stage",
        "position",
        "technique",
        "zone",
        "repetitions",
        "intensity",
        "planned_seconds",
    ]
    extra = 0


@admin.register(PlanTemplate)
class PlanTemplateAdmin(CatalogueAdmin):
    list_display = ["name", "massage_type", "is_active"]
    list_filter = ["massage_type", "is_active"]
    inlines = [TemplateStepInline]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CourseStepInline(ReadOnlyInline):
    model = CourseStep
    fields = [
        "stage",
        "position",
        "technique",
        "zone",
        "repetitions",
        "intensity",
        "planned_seconds",
    ]


@admin.register(Course)
class CourseAdmin(HistoryAdmin):
    """Courses are planned on the client's page, which copies a template; here they are read,
    and the status, goal and planned number corrected."""

    client_records = True

    list_display = [
        "client",
        "massage_type",
        "therapist",
        "start_date",
        "planned_sessions",
        "status",
    ]
    list_filter = ["status", "massage_type", "therapist"]
    list_select_related = ["client", "therapist"]
    search_fields = ["client__record_number", "client__last_name"]
    date_hierarchy = "start_date"
    fields = [
        "client",
        "massage_type",
        "therapist",
        "referral",
        "template",
        "goal",
        "planned_sessions",
        "start_date",
        "frequency_days",
        "status",
        "opened_version",
    ]
    readonly_fields = ["client", "massage_type", "therapist", "referral", "template", "start_date"]
    form = CourseAdminForm
    inlines = [CourseStepInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionStepInline(ReadOnlyInline):
    model = SessionStep
    fields = ["stage", "position", "technique", "zone", "repetitions", "intensity"]


class AddendumInline(ReadOnlyInline):
    model = Addendum
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(HistoryAdmin):
    """Read-only: sessions are logged, signed, amended and voided on the staff pages, where
    every one passes through sessions_app.services and its rules."""

    client_records = True

    list_display = [
        "course",
        "number",
        "performed_at",
        "therapist",
        "pain_before",
        "pain_after",
        "state",
    ]
    list_filter = ["tolerance", "therapist"]
    list_select_related = ["course__client", "therapist"]
    search_fields = ["course__client__record_number", "course__client__last_name"]
    date_hierarchy = "performed_at"
    inlines = [SessionStepInline, AddendumInline]

    @admin.display(description=_("state"))
    def state(self, session):
        return session.state.label.lower()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
