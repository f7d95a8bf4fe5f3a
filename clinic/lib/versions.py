"""Edits that never overwrite each other.

A form for a Versioned record carries the version the person started from. If someone else
saved in between, the form is refused with an edit conflict: the newer record is kept, and a
conflict page shows both versions side by side so the person can redo their change on it.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.shortcuts import render

CONFLICT = "edit_conflict"


class EditConflict(Exception):
    """Raised by a service when the record changed since the person opened it."""

    def __init__(self, saved):
        super().__init__(f"{saved} changed since it was opened")
        self.saved = saved


class VersionedForm(forms.Form):
    """Mixin for the ModelForm of a Versioned record (the staff form and the admin alike):
    `class ClientForm(VersionedForm, forms.ModelForm)`. The admin lists `opened_version` in
    its fields so that the hidden input is sent."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        check_version(self.instance, cleaned.get("opened_version"))
        return cleaned


def check_version(record, opened_version):
    if record.pk and opened_version is not None and opened_version != record.version:
        raise ValidationError(
            "Someone else saved this record after you opened it. Nothing of yours was saved: "
            "compare the two versions and make your change again on the saved one.",
            code=CONFLICT,
        )


def is_conflict(form):
    return form.has_error(NON_FIELD_ERRORS, CONFLICT)


def save_versioned(form):
    """Save a valid VersionedForm, unless another save got in between its check and now."""
    if form.instance._state.adding:
        return form.save()
    with transaction.atomic():
        model = type(form.instance)
        current = model.objects.select_for_update().only("version").get(pk=form.instance.pk)
        check_version(current, form.cleaned_data.get("opened_version"))
        return form.save()


def save_unless_conflict(request, form):
    """Save a POSTed VersionedForm, or answer with the conflict page if someone else saved the
    record since it was opened (then nothing is saved). None means: saved if the form was
    valid, or the form carries its errors to show again."""
    if form.is_valid():
        try:
            save_versioned(form)
            return None
        except (ValidationError, EditConflict):
            pass
    elif not is_conflict(form):
        return None
    saved = type(form.instance).objects.get(pk=form.instance.pk)
    return conflict_page(request, form, saved, back_url=request.get_full_path())


def conflict_page(request, form, saved, *, back_url, saved_values=None):
    """409: the person's version next to the saved one, field by field where they differ.

    `saved_values` gives the saved record's values under the form's field names when they
    differ from the model's (a duration in minutes on the form, in seconds on the record)."""
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
        {"rows": rows, "saved": saved, "latest": latest, "back_url": back_url},
        status=409,
    )


def saved_value(record, name):
    value = getattr(record, name, "")
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def shown(field, value):
    """A value as a person reads it, whichever side it comes from."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple, models.QuerySet)):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    choices = dict(getattr(field, "choices", []) or [])
    if not isinstance(value, models.Model) and choices:
        return str(choices.get(value, choices.get(str(value), value)))
    return str(value)
