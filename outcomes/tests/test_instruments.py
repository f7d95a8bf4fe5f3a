"""The shipped instrument definitions: each reads, scores by its rule, and says which way is
better and what a real change is; texts ship only where the terms allow."""

from decimal import Decimal

import pytest

from outcomes.instruments import InvalidDefinition, parse, shipped
from outcomes.scoring import NotScored

# The instruments domain.md names, and whether their texts may ship with the product.
TEXTS_SHIPPED = {"odi": False, "rmdq": False, "start_back": False, "psfs": True, "pain": True}


def test_every_instrument_of_the_clinic_is_defined():
    assert {code: i.texts_shipped for code, i in shipped().items()} == TEXTS_SHIPPED


@pytest.mark.parametrize("code", sorted(TEXTS_SHIPPED))
def test_each_definition_is_named_in_both_languages_and_says_its_source_and_terms(code):
    instrument = shipped()[code]
    assert set(instrument.names) == {"ru", "en"}
    assert instrument.source and instrument.terms
    for language, texts in instrument.texts.items():
        assert set(texts["items"]) == {item.id for item in instrument.items}, language


def test_odi_scores_by_its_section_keys():
    odi = shipped()["odi"]
    answers = dict.fromkeys([item.id for item in odi.items], 2)  # 20 of 50
    answers["sex_life"] = None
    assert odi.score(answers).value == Decimal("40.0")  # 18 of 45
    assert set(odi.item_names["ru"]) == {item.id for item in odi.items}


def test_psfs_takes_three_to_five_activities():
    psfs = shipped()["psfs"]
    assert psfs.score({"activity1": 4, "activity2": 5, "activity3": 6}).value == 5
    assert not psfs.score({"activity1": 4, "activity2": 5}).scored
    assert psfs.change(3, 5).improved and psfs.change(3, 5).real


def test_an_answer_the_item_does_not_offer_is_refused():
    with pytest.raises(NotScored):
        shipped()["rmdq"].score({"s1": 2})
    with pytest.raises(NotScored):
        shipped()["pain"].score({"no_such_item": 1})


def test_the_clinics_threshold_replaces_the_default():
    odi = shipped()["odi"]
    assert not odi.change(40, 32).real
    assert odi.change(40, 32, {"points": 8}).real


def test_start_back_gives_a_group_not_a_change():
    start_back = shipped()["start_back"]
    assert start_back.score({f"q{n}": 1 for n in range(1, 10)}).band == "high"
    with pytest.raises(NotScored):
        start_back.change(5, 2)


def test_pain_change_is_two_points_or_thirty_percent():
    pain = shipped()["pain"]
    assert pain.change(3, 2).real  # 33 %
    assert not pain.change(8, 7).real


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"scoring": "astrology"}, "unknown scoring rule"),
        ({"items": [{"id": "a", "values": [0]}, {"id": "a", "values": [1]}]}, "item ids repeat"),
        ({"names": None, "code": None, "scoring": "pain", "items": []}, "lacks"),
    ],
)
def test_a_broken_definition_says_what_is_wrong(broken, message):
    definition = {
        "code": "x",
        "scoring": "pain",
        "items": [{"id": "a", "values": [0]}],
        "names": {},
        "higher_is_better": False,
        "real_change": None,
        "source": "s",
        "terms": "t",
        **broken,
    }
    if message == "lacks":
        del definition["terms"]
    with pytest.raises(InvalidDefinition, match=message):
        parse(definition)
