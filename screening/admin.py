from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from clinic.admin import ClientAdmin
from clinic.lib.admin import CatalogueAdmin, HistoryAdmin
from clinic.lib.catalogues import translated_fields
from clinic.lib.corrections import CorrectionForm
from clinic.lib.versions import VersionedForm
from clinic.models import Client
from screening.models import Answer, Contraindication, Screening
from screening.services import correct_screening, eligibility_for


class ClientEligibilityAdmin(ClientAdmin):
    """The core's client admin with the eligibility decision of today per client, which this
    app makes (the core knows nothing of screenings)."""

    # Right after the name, so that the answer stays in view on a narrow screen.
    list_display = [
        *ClientAdmin.list_display[:2],
        "eligibility_today",
        *ClientAdmin.list_display[2:],
    ]

    def get_changelist_instance(self, request):
        # The whole page's eligibility in a fixed number of queries (eligibility_for); the rows
        # carry it to the column.
        changelist = super().get_changelist_instance(request)
        verdicts = eligibility_for(changelist.result_list)
        for client in changelist.result_list:
            client.eligibility_today = verdicts[client.pk]
        return changelist

    @admin.display(description=_("may be treated today"))
    def eligibility_today(self, client):
        verdict = client.eligibility_today
        if verdict.allowed:
            return gettext("Yes")
        # The first reason, and how many more: the row stays short, the client's page has all.
        more = len(verdict.reasons) - 1
        return format_html(
            "<strong>{}</strong>: {}{}",
            gettext("No"),
            verdict.reasons[0].message,
            f" (+{more})" if more else "",
        )


admin.site.unregister(Client)
admin.site.register(Client, ClientEligibilityAdmin)


class ScreeningAdminForm(CorrectionForm, VersionedForm, forms.ModelForm):
    class Meta:
        model = Screening
        fields = ["screened_on", "systolic", "diastolic", "notes"]

    def clean(self):
        self.instance.client.ensure_active()
        return super().clean()


@admin.register(Contraindication)
class ContraindicationAdmin(CatalogueAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"code": ["name_en"]}

    def get_readonly_fields(self, request, obj=None):
        # The code is what the rules refer to (hypertension and blood pressure); it stays.
        # Once answered, the name stays too, so old screenings read as they were asked.
        if obj is None:
            return []
        names = translated_fields("name")
        if obj.is_core:
            return ["code", *names, "is_active", "why_fixed"]
        return ["code", *names] if obj.answers.exists() else ["code"]

    @admin.display(description=_("why it is fixed"))
    def why_fixed(self, item):
        return gettext(
            "One of the ten contraindications of the clinic's rules: every screening asks it, "
            "so it is never retired or renamed. Items the clinic adds can be retired."
        )

    def has_delete_permission(self, request, obj=None):
        # Retire an item instead: old screenings keep their answers to it.
        return False


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["contraindication", "value"]
    readonly_fields = ["contraindication"]
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Screening)
class ScreeningAdmin(HistoryAdmin):
    client_records = True
    list_display = ["client", "screened_on", "screened_by", "pressure", "outcome"]
    list_filter = ["screened_on"]
    list_select_related = ["client", "screened_by"]
    search_fields = ["client__record_number", "client__last_name"]
    date_hierarchy = "screened_on"
    readonly_fields = ["client", "screened_by", "created_at"]
    fields = [
        "client",
        "screened_on",
        "screened_by",
        ("systolic", "diastolic"),
        "notes",
        "created_at",
        "correction_reason",
        "opened_version",
    ]
    form = ScreeningAdminForm
    inlines = [AnswerInline]

    object_history_template = "screening/admin/screening_history.html"

    def history_view(self, request, object_id, extra_context=None):
        # The answers have a history of their own; their corrections are shown here too.
        screening = self.get_object(request, object_id)
        corrections = screening.answer_corrections() if screening else []
        extra_context = {**(extra_context or {}), "answer_corrections": corrections}
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Stored with its answers in save_related: one correction, one reason."""

    def save_related(self, request, form, formsets, change):
        correct_screening(
            screening=form.instance,
            by=request.user,
            reason=form.cleaned_data["correction_reason"],
            answers=[answer for formset in formsets for answer in formset.save(commit=False)],
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("answers", Answer.objects.select_related("contraindication"))
            )
        )

    @admin.display(description=_("blood pressure"))
    def pressure(self, screening):
        return f"{screening.systolic}/{screening.diastolic}" if screening.systolic else "—"

    @admin.display(description=_("outcome"))
    def outcome(self, screening):
        outcome = screening.outcome()
        if outcome.is_clear:
            return pgettext("screening outcome", "Clear")
        found = [item.name for item in outcome.present]
        found += [gettext("%(item)s (unknown)") % {"item": item.name} for item in outcome.unknown]
        found += [
            gettext("%(item)s (not asked)") % {"item": item.name} for item in outcome.not_asked
        ]
        return gettext("Contraindicated: %(items)s") % {"items": ", ".join(found)}

    def has_add_permission(self, request):
        # New screenings are taken on the client's page, where every active item is asked.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
