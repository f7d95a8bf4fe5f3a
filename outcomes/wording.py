"""The words a questionnaire is read in: the texts the product ships where the terms allow it,
or the licensed wording a clinic loaded (InstrumentText), checked against the instrument.

A wording is a dict:

    {"instructions": "…",                      # read before the first item
     "items": {"<item id>": "…"},              # the question, section or statement
     "options": {"<item id>": {"<value>": "…"}},  # each answer's words (ODI's statements)
     "scale": {"<value>": "…"}}                # the words at a numeric scale's ends

"instructions", "options" and "scale" may be left out; "items" names every item.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outcomes.models import InstrumentText


def wording(instrument, language):
    """The wording of `instrument` in `language`: the clinic's loaded one first, then the
    shipped one; None when there is neither."""
    loaded = (
        InstrumentText.objects.filter(instrument=instrument.code, language=language)
        .values_list("texts", flat=True)
        .first()
    )
    return loaded or instrument.texts.get(language)


def check(instrument, texts):
    """Raise a ValidationError naming each way `texts` does not fit `instrument`."""
    if not isinstance(texts, dict):
        raise ValidationError(_("The file must hold one JSON object."), code="not_object")
    errors = []
    ids = [item.id for item in instrument.items]
    unknown = set(texts) - {"instructions", "items", "options", "scale"}
    if unknown:
        errors.append(_("Unknown parts: %(parts)s.") % {"parts": ", ".join(sorted(unknown))})
    items = texts.get("items")
    if not isinstance(items, dict) or not all(isinstance(v, str) and v for v in items.values()):
        errors.append(_("“items” must give the words of each item."))
    else:
        missing = [i for i in ids if i not in items]
        extra = sorted(set(items) - set(ids))
        if missing:
            errors.append(_("Items without words: %(items)s.") % {"items": ", ".join(missing)})
        if extra:
            errors.append(_("No such items: %(items)s.") % {"items": ", ".join(extra)})
    options = texts.get("options", {})
    values = {item.id: {str(v) for v in item.values} for item in instrument.items}
    if not isinstance(options, dict):
        errors.append(_("“options” must give, for an item, the words of each answer."))
    else:
        for item, words in options.items():
            if item not in values:
                errors.append(_("Options for no such item: %(item)s.") % {"item": item})
            elif (
                not isinstance(words, dict)
                or set(words) - values[item]
                or not all(isinstance(text, str) and text for text in words.values())
            ):
                errors.append(
                    _("The options of %(item)s must give words to answers among %(values)s.")
                    % {"item": item, "values": ", ".join(sorted(values[item], key=int))}
                )
    for part in ("instructions",):
        if part in texts and not isinstance(texts[part], str):
            errors.append(_("“instructions” must be text."))
    scale = texts.get("scale", {})
    if not isinstance(scale, dict) or not all(isinstance(t, str) and t for t in scale.values()):
        errors.append(_("“scale” must give the words at the scale's ends."))
    if errors:
        raise ValidationError(errors)


def answer_label(texts, item_id, value):
    """How an answer reads: its words where the wording gives them, else the number."""
    words = ((texts or {}).get("options") or {}).get(item_id, {}).get(str(value))
    scale = ((texts or {}).get("scale") or {}).get(str(value))
    if words:
        return words
    if scale:
        return f"{value} — {scale}"
    return str(value)
