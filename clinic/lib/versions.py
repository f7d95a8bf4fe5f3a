"""Edits that never overwrite each other: the one recipe, for every Versioned record
(clinic.models.Versioned: clients, referral notes, screenings, courses, sessions).

1. The page sends back the version it showed: the hidden `opened_version` field of
   `VersionedForm`, a mixin for any form (a ModelForm takes it from its instance; a plain
   form is given it as initial data).
2. Whoever writes asks the record in hand whether it is still that version before changing
   anything: `record.check_version(opened_version)` raises EditConflict. VersionedForm does it
   in `clean()` for a ModelForm's instance (reported as the form error `edit_conflict`, which
   is what the back office shows); a service that takes `opened_version` does it on the row it
   has just locked.
3. `Versioned.save()` asks again under a row lock, so a save that raced past step 2 is refused
   the same way, whatever the entry point.
4. A page answers an EditConflict, or a form whose error is `edit_conflict`, with
   `conflict_page`: a 409 showing the person's version beside the saved one. Any EditConflict
   a view does not answer itself (a race in the back office) reaches
   clinic.middleware.EditConflictMiddleware, which answers with the same page.
"""

import datetime
import decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CONFLICT = "edit_conflict"
CONFLICT_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing of yours was saved: "
    "compare the two versions and make your change again on the saved one."
)


class EditConflict(Exception):
    """The record changed since the person opened it; `saved` is the stored record."""

    def __init__(self, saved):
        super().__init__(f"{saved} changed since it was opened")
        self.saved = saved


class VersionedForm(forms.Form):
    """Mixin for the form of a Versioned record, before the form class:
    `class ClientForm(VersionedForm, forms.ModelForm)`. The admin lists `opened_version` in
    its fields so that the hidden input is sent."""

    opened_version = forms.IntegerField(
        label=_("Opened version"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self, "instance", None) is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            try:
                instance.check_version(cleaned.get("opened_version"))
            except EditConflict:
                raise ValidationError(CONFLICT_MESSAGE, code=CONFLICT) from None
        return cleaned

    def has_conflict(self):
        return self.has_error(NON_FIELD_ERRORS, CONFLICT)


def save_unless_conflict(request, form, save=None):
    """Save a posted VersionedForm (a ModelForm) with `save(form)` (by default `form.save()`),
    or answer with the conflict page when the record changed since the page was opened; then
    nothing is saved. None means: saved, or the form carries its errors to show again."""
    if form.is_valid():
        try:
            # The record and its many-to-many rows (a client's conditions) together, or neither.
            with transaction.atomic():
                (save or type(form).save)(form)
            return None
        except EditConflict as conflict:
            return conflict_page(request, conflict.saved, form)
    if form.has_conflict():
        return conflict_page(request, type(form.instance).objects.get(pk=form.instance.pk), form)
    return None


def conflict_page(request, saved, form=None, *, saved_values=None):
    """409: the person's version next to the saved one, field by field where they differ.

    `saved_values` gives the saved record's values under the form's field names when they
    differ from the model's (a duration in minutes on the form, in seconds on the record).
    Without a form, the page says what happened and links to the saved record."""
    rows = []
    for name, field in form.fields.items() if form is not None else []:
        if isinstance(field.widget, forms.HiddenInput):
            continue
        yours = shown(field, form.cleaned_data.get(name, form.data.get(name, "")))
        stored = saved_values[name] if saved_values else saved_value(saved, name)
        theirs = shown(field, stored)
        rows.append(
            {
                "label": field.label or name,
                "yours": yours,
                "saved": theirs,
                "differs": yours != theirs,
            }
        )
    latest = (
        saved.history.select_related("history_user").first() if hasattr(saved, "history") else None
    )
    return render(
        request,
        "conflict.html",
        {"rows": rows, "saved": saved, "latest": latest, "back_url": request.get_full_path()},
        status=409,
    )


def saved_value(record, name):
    value = getattr(record, name, "")
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def shown(field, value):
    """A value as a person reads it, whichever side it comes from: a choice by its label, a
    date or a number as the current language writes it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple, models.QuerySet)):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    choices = dict(getattr(field, "choices", []) or [])
    if not isinstance(value, models.Model) and choices:
        return str(choices.get(value, choices.get(str(value), value)))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(formats.localize(value))
    return str(value)
