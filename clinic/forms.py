import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clinic import roles
from clinic.lib import phones
from clinic.lib.corrections import CorrectionForm
from clinic.lib.dates import DayFirstDateInput
from clinic.lib.scans import scan_format, validate_scan
from clinic.lib.versions import VersionedForm
from clinic.models import Client, Condition, ReferralNote


def therapists():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.THERAPIST, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class LanguageSelect(forms.Select):
    """Each language named in itself, and marked so (lang), as the language switcher does."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class ClientForm(VersionedForm, forms.ModelForm):
    # Longer than the stored number: spaces, dashes and brackets are typed, then dropped.
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("As people write it: 8 916 123-45-67, +7 (916) 123-45-67."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    primary_therapist = forms.ModelChoiceField(
        label=_("Primary therapist"), queryset=therapists(), required=False
    )

    class Meta:
        model = Client
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "language",
            "reminders",
            "address",
            "occupation",
            "activity_level",
            "complaint",
            "conditions",
            "primary_therapist",
        ]
        widgets = {
            "date_of_birth": DayFirstDateInput(birth_date=True),
            "conditions": forms.CheckboxSelectMultiple,
            "complaint": forms.Textarea(attrs={"rows": 3}),
            "language": LanguageSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A therapist who has since left keeps their clients until someone chooses another.
        if self.instance.primary_therapist_id:
            self.fields["primary_therapist"].queryset = (
                therapists()
                | get_user_model().objects.filter(pk=self.instance.primary_therapist_id)
            ).distinct()
        # Retired conditions are not offered, but one already on this client stays visible.
        in_use = Q(is_active=True)
        if self.instance.pk:
            in_use |= Q(clients=self.instance)
        self.fields["conditions"].queryset = Condition.objects.filter(in_use).distinct()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("last_name"), Column("first_name"), Column("patronymic")),
            Row(Column("date_of_birth"), Column("sex")),
            Row(Column("phone"), Column("email"), Column("language")),
            "reminders",
            "address",
            Row(Column("occupation"), Column("activity_level")),
            Field("complaint"),
            "conditions",
            "primary_therapist",
            "opened_version",
            Submit("save", _("Save client")),
        )

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_patronymic(self):
        return self.cleaned_data["patronymic"].strip()

    def clean_phone(self):
        return phones.normalise(self.cleaned_data["phone"])

    def clean(self):
        if self.instance.pk:
            self.instance.ensure_active()  # the back office; the staff page refuses earlier
        cleaned = super().clean()
        if cleaned.get("reminders") and not cleaned.get("email"):
            self.add_error("email", _("Enter the e-mail the reminders go to."))
        first, last, born = (cleaned.get(f) for f in ("first_name", "last_name", "date_of_birth"))
        if first and last and born:
            existing = (
                Client.objects.same_person(
                    first_name=first,
                    last_name=last,
                    # A form without the field (a narrower one) keeps the stored patronymic.
                    patronymic=cleaned.get("patronymic", self.instance.patronymic),
                    date_of_birth=born,
                )
                .exclude(pk=self.instance.pk)
                .first()
            )
            if existing:
                # On the date field, so that the model's own unique check is skipped and the
                # person reads one message that takes them to the record they may be looking for.
                self.add_error(
                    "date_of_birth",
                    ValidationError(
                        format_html(
                            _(
                                "A client with this name and date of birth is already "
                                'registered: <a href="{url}">{client}</a>. Open that record '
                                "instead of adding a new one."
                            ),
                            url=existing.get_absolute_url(),
                            client=existing,
                        ),
                        code="duplicate_client",
                    ),
                )
        return cleaned


class ReferralNoteForm(CorrectionForm, VersionedForm, forms.ModelForm):
    class Meta:
        model = ReferralNote
        fields = [
            "specialist_name",
            "specialty",
            "consult_date",
            "diagnosis",
            "icd10",
            "stage",
            "decision",
            "restrictions",
            "valid_until",
            "scan",
        ]
        widgets = {
            "consult_date": DayFirstDateInput(),
            "valid_until": DayFirstDateInput(),
            "decision": forms.RadioSelect,
            "restrictions": forms.Textarea(attrs={"rows": 2}),
            "icd10": forms.TextInput(attrs={"list": "icd10-codes", "autocomplete": "off"}),
            # Scans have no public URL to link to, and a letter's scan is replaced, never
            # cleared: the plain input offers neither.
            "scan": forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = False
        # Radio buttons need no empty "---------" entry: nothing chosen means not answered.
        self.fields["decision"].choices = ReferralNote.Decision.choices
        if self.instance.scan:
            self.fields["scan"].help_text = _(
                "A scan is stored. Choose a file only to replace it (PDF, JPEG or PNG, "
                "at most 10 MB); the earlier one stays in the record's history."
            )
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Row(Column("specialist_name"), Column("specialty"), Column("consult_date")),
            Row(Column("diagnosis", css_class="col-md-8"), Column("icd10", css_class="col-md-4")),
            HTML('{% include "clinic/_icd10_codes.html" %}'),
            "stage",
            "decision",
            "restrictions",
            "valid_until",
            "scan",
            *(["correction_reason"] if self.instance.pk else []),
            "opened_version",
            Submit("save", _("Save referral note")),
        )

    def clean_icd10(self):
        return self.cleaned_data["icd10"].strip().upper()

    def clean_specialist_name(self):
        return self.cleaned_data["specialist_name"].strip()

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and hasattr(scan, "content_type"):  # a new upload, not the stored file
            validate_scan(scan)
            extension, _ = scan_format(scan.read(16))
            scan.seek(0)
            # A random name under the extension its content proves, not the one it was sent
            # with: the stored path never carries the client's name or diagnosis.
            scan.name = f"{uuid.uuid4().hex}{extension}"
        return scan

    def clean(self):
        cleaned = super().clean()
        # The back office chooses the client on the form; the staff page files for its own.
        client = cleaned.get("client") or (
            self.instance.client if self.instance.client_id else None
        )
        if client is not None:
            client.ensure_active()
        consulted = cleaned.get("consult_date")
        # Only a plausible consult date gets the default; a future one is refused by the model.
        if consulted and consulted <= timezone.localdate() and not cleaned.get("valid_until"):
            self.instance.consult_date = consulted
            cleaned["valid_until"] = self.instance.default_valid_until()
        return cleaned


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Enter the 6 digits the app shows now.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()
