"""The scoring rules against worked examples (domain.md, "Is the course working?")."""

from decimal import Decimal

import pytest

from outcomes.scoring import (
    NotScored,
    oswestry,
    pain,
    patient_specific,
    real_change,
    roland_morris,
    start_back,
)


def odi(total, unanswered=0):
    """Ten ODI sections adding up to `total`, the last `unanswered` left blank."""
    answered = 10 - unanswered
    sections = [total // answered + (1 if i < total % answered else 0) for i in range(answered)]
    return sections + [None] * unanswered


def test_odi_16_of_50_is_32_percent():
    score = oswestry(odi(16))
    assert score.value == Decimal("32.0")
    assert score.band == "moderate"


def test_odi_16_of_45_with_one_section_unanswered_is_35_6_percent():
    assert oswestry(odi(16, unanswered=1)).value == Decimal("35.6")


def test_odi_with_two_sections_unanswered_is_not_scored():
    score = oswestry(odi(16, unanswered=2))
    assert not score.scored
    assert "More than one section unanswered" in str(score.why_not)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (10, "minimal"),  # 20 %
        (11, "moderate"),  # 22 %
        (20, "moderate"),  # 40 %
        (21, "severe"),  # 42 %
        (30, "severe"),  # 60 %
        (31, "crippled"),  # 62 %
        (40, "crippled"),  # 80 %
        (41, "bed_bound"),  # 82 %
        (50, "bed_bound"),  # 100 %
    ],
)
def test_each_odi_band_at_its_edges(total, band):
    assert oswestry(odi(total)).band == band


def test_an_odi_percentage_between_bands_takes_the_band_whose_edge_it_does_not_pass():
    # 18 of 45 = 40.0 % (moderate); 19 of 45 = 42.2 % (severe)
    assert oswestry(odi(18, unanswered=1)).band == "moderate"
    assert oswestry(odi(19, unanswered=1)).band == "severe"


def test_an_odi_answer_out_of_range_is_an_error_not_a_score():
    with pytest.raises(NotScored):
        oswestry([6, 0, 0, 0, 0, 0, 0, 0, 0, 0])


def test_rmdq_counts_the_statements_ticked():
    answers = [1] * 7 + [0] * 16 + [None]
    assert roland_morris(answers).value == 7


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [([4, 5, 6], "5.0"), ([2, 3, 3], "2.7"), ([1, 2, 3, 4, 5], "3.0"), ([10, 9, 9, 8, 7], "8.6")],
)
def test_psfs_is_the_mean_of_three_to_five_activities(ratings, expected):
    assert patient_specific(ratings).value == Decimal(expected)


@pytest.mark.parametrize("ratings", [[5, 6], [1, 2, 3, 4, 5, 6]])
def test_psfs_needs_three_to_five_activities(ratings):
    assert not patient_specific(ratings).scored


@pytest.mark.parametrize(
    ("answers", "group", "total", "subscore"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], "low", 0, 0),
        ([1, 1, 1, 0, 0, 0, 0, 0, 0], "low", 3, 0),  # total 3: low
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], "medium", 4, 0),  # total 4, subscore 0: medium
        ([1, 1, 1, 1, 1, 1, 1, 0, 0], "medium", 7, 3),  # subscore 3: not high
        ([0, 0, 0, 0, 1, 1, 1, 1, 0], "high", 4, 4),  # subscore 4: high
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], "high", 9, 5),
    ],
)
def test_start_back_risk_groups_and_the_subscore_rule(answers, group, total, subscore):
    score = start_back(answers)
    assert (score.band, score.value, score.subscore) == (group, total, subscore)


def test_start_back_with_an_item_unanswered_is_not_scored():
    assert not start_back([0] * 8 + [None]).scored


def test_the_pain_score_is_the_rating():
    assert pain([7]).value == 7
    assert not pain([None]).scored


@pytest.mark.parametrize(
    ("earlier", "later", "real"),
    [(40, 30, True), (40, 31, False), (30, 40, True), (30, 39, False)],
)
def test_odi_real_change_at_the_threshold_and_one_point_below(earlier, later, real):
    change = real_change(earlier, later, threshold=10)
    assert change.real is real
    assert change.improved is (later < earlier)
    assert change.worse is (later > earlier)


@pytest.mark.parametrize(
    ("earlier", "later", "real"), [(12, 7, True), (12, 8, False), (7, 12, True)]
)
def test_rmdq_real_change_is_five_points(earlier, later, real):
    assert real_change(earlier, later, threshold=5).real is real


@pytest.mark.parametrize(("earlier", "later", "real"), [(3, 5, True), (3, 4.9, False)])
def test_psfs_real_change_is_two_points_up(earlier, later, real):
    change = real_change(Decimal(earlier), Decimal(str(later)), threshold=2, higher_is_better=True)
    assert change.real is real
    assert change.improved


@pytest.mark.parametrize(
    ("earlier", "later", "real"),
    [
        (8, 6, True),  # 2 points
        (8, 7, False),  # 1 point, 12.5 %
        (3, 2, True),  # 1 point is 33 % of 3
        (4, 3, False),  # 1 point is 25 % of 4
        (10, 7, True),  # 3 points (and 30 %)
    ],
)
def test_pain_real_change_is_two_points_or_thirty_percent(earlier, later, real):
    assert real_change(earlier, later, threshold=2, percent=30).real is real


def test_no_change_is_neither_improved_nor_worse_nor_real():
    change = real_change(20, 20, threshold=10)
    assert (change.improved, change.worse, change.real) == (False, False, False)
