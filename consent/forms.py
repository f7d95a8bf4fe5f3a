import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from clinic import roles
from clinic.forms import LanguageSelect
from clinic.lib.dates import DayFirstDateInput
from clinic.lib.massage import MassageType
from clinic.lib.scans import scan_format, validate_scan
from consent.models import ABOUT_TREATMENT, Consent, ConsentText, Kind
from consent.services import text_in_force
from consent.signatures import signature_png


class ConsentDetailsForm(forms.Form):
    """What the text is filled in with and how it is signed: sent by GET, so that the signing
    page can be opened again with the same text, and carried in its address to the signing."""

    kind = forms.ChoiceField(label=_("What is signed"), choices=Kind.choices)
    language = forms.ChoiceField(
        label=_("Language of the text"), choices=settings.LANGUAGES, widget=LanguageSelect
    )
    signed_by = forms.ChoiceField(
        label=_("Who signs"),
        choices=Consent.Signer.choices,
        initial=Consent.Signer.CLIENT,
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label=_("Representative's full name"), max_length=200, required=False
    )
    representative_relationship = forms.CharField(
        label=_("Relationship to the client"),
        max_length=100,
        required=False,
        help_text=_("E.g. mother, guardian."),
    )
    massage_type = forms.ChoiceField(
        label=_("Massage type"), choices=[("", "—"), *MassageType.choices], required=False
    )
    therapist = forms.ModelChoiceField(
        label=_("Therapist"), queryset=get_user_model().objects.none(), required=False
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=Consent.Method.choices,
        initial=Consent.Method.SCREEN,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        self.fields["therapist"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.THERAPIST, is_active=True)
            .order_by("last_name", "first_name")
        )

    def clean(self):
        data = super().clean()
        if data.get("signed_by") == Consent.Signer.REPRESENTATIVE:
            for name in ("representative_name", "representative_relationship"):
                if not data.get(name):
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _("Fill this in when a representative signs."), code="required"
                        ),
                    )
        else:
            data["representative_name"] = data["representative_relationship"] = ""
        if data.get("kind") in ABOUT_TREATMENT and not data.get("massage_type"):
            self.add_error(
                "massage_type",
                forms.ValidationError(
                    _("Choose the massage the client consents to."), code="no_massage_type"
                ),
            )
        if data.get("kind") and data.get("language"):
            self.text = text_in_force(data["kind"], data["language"], timezone.localdate())
            if self.text is None:
                raise forms.ValidationError(
                    _(
                        "No text of this kind in this language is in force today: a clinic "
                        "admin writes one in the back office (Consent texts)."
                    ),
                    code="no_text",
                )
        return data


class SignedTextForm(forms.Form):
    """The text the page showed, by its id and hash: what was shown is what is stored."""

    text = forms.ModelChoiceField(queryset=ConsentText.objects.all(), widget=forms.HiddenInput)
    shown_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, showing, **kwargs):
        super().__init__(*args, **kwargs)
        self.showing = showing

    def clean(self):
        data = super().clean()
        if self.has_error("text") or self.has_error("shown_sha256") or self.has_error("form_token"):
            # Hidden fields: the page itself was damaged or is stale, not something typed.
            raise forms.ValidationError(STALE, code="stale_page")
        if not self.same_text(data["text"]):
            raise forms.ValidationError(STALE, code="stale_page")
        return data

    def same_text(self, posted):
        """Whether the posted text is the one the page shows (on the screen: the version
        shown now)."""
        return posted == self.showing


STALE = _("This page is out of date: open the text again and sign it again.")


class ScreenSignatureForm(SignedTextForm):
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    countersignature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, signer, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer, self.staff = signer, staff

    def clean_signature(self):
        return signature_png(self.cleaned_data["signature"], who=self.signer)

    def clean_countersignature(self):
        return signature_png(self.cleaned_data["countersignature"], who=self.staff)


class PaperScanForm(SignedTextForm):
    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["countersigned_by"]
        field.queryset = (
            get_user_model()
            .objects.filter(groups__name__in=roles.ALL, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        field.initial = staff.pk

    def same_text(self, posted):
        # A form printed before a newer version came into force is still the text it was
        # signed on (the service checks it was in force that day).
        return (posted.kind, posted.language) == (self.showing.kind, self.showing.language)

    signed_on = forms.DateField(
        label=_("Signed on"), widget=DayFirstDateInput(), initial=timezone.localdate
    )
    countersigned_by = forms.ModelChoiceField(
        label=_("Countersigned by"),
        queryset=get_user_model().objects.none(),
        help_text=_("The member of staff who signed the paper for the clinic."),
    )
    scan = forms.FileField(
        label=_("Scan of the signed paper"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        validate_scan(scan)
        extension, _type = scan_format(scan.read(16))
        scan.seek(0)
        # Stored under a random name: the path never carries the client's name.
        scan.name = f"{uuid.uuid4().hex}{extension}"
        return scan


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"), widget=DayFirstDateInput(), initial=timezone.localdate
    )
    withdrawn_by = forms.CharField(
        label=_("Withdrawn by"),
        max_length=200,
        help_text=_("The client, or the representative who withdrew it."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As the client gave it; write so if they gave none."),
    )
