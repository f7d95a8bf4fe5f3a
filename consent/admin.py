from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.lib.admin import HistoryAdmin
from consent.models import Consent, ConsentText, Withdrawal
from consent.services import revise_text, write_text


class ConsentTextForm(forms.ModelForm):
    def clean_body(self):
        # A browser sends a text area's lines ending in CR LF: stored as LF, the same words
        # read the same, and a signed text is not taken for changed.
        return self.cleaned_data["body"].replace("\r\n", "\n")


@admin.register(ConsentText)
class ConsentTextAdmin(HistoryAdmin):
    """Clinic admins write the texts. A text nobody has signed yet may be corrected; once
    signed, saving a change keeps the signed version as it was and stores the change as the
    next version (only the day it is retired may still be set on the old one)."""

    list_display = [
        "shown_title",
        "kind",
        "shown_language",
        "version",
        "in_force_from",
        "retired_on",
        "used",
    ]
    list_filter = ["kind"]
    fields = ["kind", "language", "version", "title", "body", "in_force_from", "retired_on"]
    readonly_fields = ["version"]

    def get_readonly_fields(self, request, obj=None):
        # A version's kind and language are what it is a version of.
        return ["version", "kind", "language"] if obj else ["version"]

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, text):
        return format_html('<span lang="{}">{}</span>', text.language, text.title)

    @admin.display(description=_("language"), ordering="language")
    def shown_language(self, text):
        return format_html('<span lang="{}">{}</span>', text.language, text.get_language_display())

    def get_queryset(self, request):
        # Whether each text has been signed, for the whole list in its one query.
        signed = Consent.objects.filter(text=OuterRef("pk"))
        return super().get_queryset(request).annotate(signed=Exists(signed))

    @admin.display(description=_("signed"), boolean=True)
    def used(self, text):
        return text.signed

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ConsentTextForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            saved = write_text(by=request.user, **text_fields(form))
            obj.pk, obj.version = saved.pk, saved.version
            return
        # Compared with what is stored, as cleaned (the form's own changed_data would take a
        # browser's line endings for a change).
        changed = obj.changed_fields() - ConsentText.CHANGEABLE_IN_USE
        if not (changed and obj.in_use):
            obj.save()
            return
        # Signed: the stored version keeps its words (it may still be retired), and the
        # change is the next version, in force from the day given, or today.
        signed = ConsentText.objects.get(pk=obj.pk)
        if obj.retired_on != signed.retired_on:
            signed.retired_on = obj.retired_on
            signed.save()
        changes = {name: getattr(obj, name) for name in changed}
        changes.setdefault("in_force_from", max(signed.in_force_from, timezone.localdate()))
        request.new_consent_text = revise_text(signed, by=request.user, retired_on=None, **changes)

    def response_change(self, request, obj):
        revised = getattr(request, "new_consent_text", None)
        if revised is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            gettext(
                "Version %(old)s has been signed, so it stays as it was; your text is saved as "
                "version %(new)s."
            )
            % {"old": obj.version, "new": revised.version},
            messages.WARNING,
        )
        return self.response_post_save_change(request, revised)

    def has_delete_permission(self, request, obj=None):
        # Retire a text instead: signed consents point to it.
        return False


def text_fields(form):
    return {name: form.cleaned_data[name] for name in form.cleaned_data if name != "version"}


class WithdrawalInline(admin.StackedInline):
    model = Withdrawal
    fields = ["withdrawn_on", "withdrawn_by", "reason", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Consent)
class ConsentAdmin(HistoryAdmin):
    """Signed consents, to read: nobody changes or deletes one here; they are taken and
    withdrawn on the client's page."""

    client_records = True
    list_display = ["client", "kind", "signed_on", "method", "signed_by", "countersigned_by"]
    list_filter = ["kind", "method", "signed_on"]
    list_select_related = ["client", "countersigned_by"]
    search_fields = ["client__record_number", "client__last_name"]
    date_hierarchy = "signed_on"
    fields = [
        "client",
        "kind",
        "text",
        "signed_on",
        "signed_by",
        "representative_name",
        "representative_relationship",
        "massage_type",
        "therapist",
        "method",
        "countersigned_by",
        "recorded_at",
        "device_address",
        "record_sha256",
        "shown_text",
        "on_the_clients_page",
    ]
    readonly_fields = fields
    inlines = [WithdrawalInline]

    @admin.display(description=_("signatures and scan"))
    def on_the_clients_page(self, consent):
        return format_html(
            '<a href="{}">{}</a>', consent.get_absolute_url(), gettext("Open the signed consent")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
