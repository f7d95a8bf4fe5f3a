"""Reading django-simple-history records as a change log a person can follow."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name


@dataclass
class Change:
    version: object
    fields: list  # the names of the fields it changed
    # (field, old value, new value) of those that hold a value a person reads; a link to
    # another record, a file or a list is named in `fields` only.
    values: list = field(default_factory=list)

    @property
    def reason(self):
        """Why it was changed, when a correction had to say so."""
        return self.version.history_change_reason or ""


def m2m_row_accessors(history_model):
    """For each tracked many-to-many field, the accessor of its rows on a historical record
    (conditions -> historicalclient_conditions_set), so a page can prefetch them."""
    rows_of = {
        rel.related_model._meta.model_name: rel.get_accessor_name()
        for rel in history_model._meta.related_objects
    }
    return {
        field.name: rows_of[f"{history_model._meta.model_name}_{field.name}"]
        for field in history_model._history_m2m_fields
    }


def versions_of(record):
    """A record's past versions, newest first, with what a change log reads already fetched."""
    accessors = m2m_row_accessors(record.history.model)
    return (
        record.history.select_related("history_user")
        .prefetch_related(*accessors.values())
        .order_by("-history_date", "-pk")
    )


def change_log(versions):
    """Each version (newest first) with the names of the fields it changed.

    Many-to-many fields are compared on the prefetched rows of `versions_of`, so the log
    costs no query per version. The oldest version shown has no field list when its
    predecessor is not among `versions`.
    """
    versions = list(versions)
    log = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        change = Change(version=newer, fields=[])
        if older is not None and newer.history_type == "~":
            describe_change(change, newer, older)
        log.append(change)
    return log


def describe_change(change, newer, older):
    model = newer.instance_type
    accessors = m2m_row_accessors(type(newer))
    delta = newer.diff_against(older, excluded_fields=list(accessors))
    for difference in delta.changes:
        field_ = model._meta.get_field(difference.field)
        change.fields.append(str(field_.verbose_name))
        if not field_.is_relation and not isinstance(field_, models.FileField):
            change.values.append(
                (
                    str(field_.verbose_name),
                    readable(field_, difference.old),
                    readable(field_, difference.new),
                )
            )
    for name, accessor in accessors.items():
        target = get_m2m_reverse_field_name(model._meta.get_field(name))
        if m2m_ids(newer, accessor, target) != m2m_ids(older, accessor, target):
            change.fields.append(str(model._meta.get_field(name).verbose_name))


def readable(field_, value):
    """A stored value as a person reads it: a choice by its label, a yes or no, nothing as a
    dash (a date or a number the page writes in the reader's language)."""
    if value in (None, ""):
        return "—"
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def m2m_ids(version, accessor, target):
    return {getattr(row, f"{target}_id") for row in getattr(version, accessor).all()}
