"""The outcome questionnaires as data: one definition per instrument (outcomes/instruments/
<code>.json) with its items and answer values, its scoring rule, which way is better, the
threshold of a real change, its source and its terms of use, and the texts of the languages
whose terms let the product ship them.

The scoring rules themselves are code (outcomes.scoring): a definition names its rule, and
`score` puts the answers, keyed by item, in the order the rule reads them. A clinic that
holds the licensed texts of an instrument shipped without them loads them later; the scoring
works with or without texts.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from outcomes import scoring

FOLDER = Path(__file__).resolve().parent / "instruments"
RULES = {
    "oswestry": scoring.oswestry,
    "roland_morris": scoring.roland_morris,
    "patient_specific": scoring.patient_specific,
    "start_back": scoring.start_back,
    "pain": scoring.pain,
}


class InvalidDefinition(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    id: str
    values: tuple
    optional: bool = False
    named_by_client: bool = False  # PSFS: the client names the activity rated


@dataclass(frozen=True)
class Instrument:
    code: str
    names: dict  # language -> name
    rule: str
    items: tuple
    higher_is_better: bool
    real_change: dict | None  # {"points": 10} or {"points": 2, "percent": 30}; None: no change
    source: str
    terms: str
    texts: dict = field(default_factory=dict)  # language -> the shipped texts
    # language -> {item id: a heading}, where headings may be shipped without the texts
    item_names: dict = field(default_factory=dict)
    per_screen: int = 1  # how many items the tablet shows at once: one section per screen
    unit: str = ""  # the score's unit: "%" for the ODI, none for a count or a scale

    @property
    def screens(self):
        """The items in the groups the tablet shows one after another."""
        return [
            self.items[start : start + self.per_screen]
            for start in range(0, len(self.items), self.per_screen)
        ]

    def name(self, language):
        return self.names.get(language[:2], self.names["en"])

    @property
    def texts_shipped(self):
        return bool(self.texts)

    def score(self, answers):
        """The Score of `answers` ({item id: value or None}); an item not given is unanswered."""
        unknown = set(answers) - {item.id for item in self.items}
        if unknown:
            raise scoring.NotScored(f"{self.code} has no items {sorted(unknown)}")
        for item in self.items:
            value = answers.get(item.id)
            # An answer is one of the item's numbers (True is not 1 here).
            if value is not None and (type(value) is not int or value not in item.values):
                raise scoring.NotScored(f"{value!r} is not an answer to {self.code}.{item.id}")
        return RULES[self.rule]([answers.get(item.id) for item in self.items])

    def change(self, earlier, later, thresholds=None):
        """How a score moved, judged by the instrument's threshold of a real change, or the
        clinic's own (`thresholds`: {"points": …, "percent": …})."""
        if self.real_change is None:
            raise scoring.NotScored(f"{self.code} gives a group, not a score that changes")
        threshold = {**self.real_change, **(thresholds or {})}
        return scoring.real_change(
            Decimal(earlier),
            Decimal(later),
            threshold=threshold["points"],
            percent=threshold.get("percent"),
            higher_is_better=self.higher_is_better,
        )


def parse(definition):
    """An Instrument from a definition's dict, or InvalidDefinition saying what is wrong."""
    try:
        rule = definition["scoring"]
        if rule not in RULES:
            raise InvalidDefinition(f"unknown scoring rule {rule!r}")
        items = tuple(
            Item(
                id=item["id"],
                values=tuple(item["values"]),
                optional=item.get("optional", False),
                named_by_client=item.get("named_by_client", False),
            )
            for item in definition["items"]
        )
        if len({item.id for item in items}) != len(items):
            raise InvalidDefinition("item ids repeat")
        return Instrument(
            code=definition["code"],
            names=definition["names"],
            rule=rule,
            items=items,
            higher_is_better=definition["higher_is_better"],
            real_change=definition["real_change"],
            source=definition["source"],
            terms=definition["terms"],
            texts=definition.get("texts", {}),
            item_names=definition.get("item_names", {}),
            per_screen=definition.get("per_screen", 1),
            unit=definition.get("unit", ""),
        )
    except (KeyError, TypeError) as missing:
        raise InvalidDefinition(f"the definition lacks {missing}") from None


@cache
def shipped():
    """Every instrument the product ships, by code."""
    found = {}
    for path in sorted(FOLDER.glob("*.json")):
        instrument = parse(json.loads(path.read_text(encoding="utf-8")))
        if instrument.code != path.stem:
            raise InvalidDefinition(f"{path.name} defines {instrument.code!r}")
        found[instrument.code] = instrument
    return found
