"""PHQ-9 scoring against hand-computed cases (Kroenke 2001; bands and item-9 rule: clinical.md §6)."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import instrument, score


def test_all_answers_three_give_27_severe():
    result = score("phq9", [3] * 9)
    assert result.total == 27
    assert result.severity == "severe"


def test_all_answers_zero_give_0_minimal_and_no_flag():
    result = score("phq9", [0] * 9)
    assert (result.total, result.severity, result.flags) == (0, "minimal", ())


@pytest.mark.parametrize(
    ("answers", "total", "severity"),
    [
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
    ],
)
def test_the_band_boundaries_fall_between_4_5_9_10_14_15_and_19_20(answers, total, severity):
    result = score("phq9", answers)
    assert result.total == total
    assert result.severity == severity


def test_item_9_above_zero_flags_suicide_risk_even_with_a_minimal_total():
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1
    assert result.severity == "minimal"
    assert result.flags == ("suicide_risk",)


def test_a_severe_total_without_item_9_raises_no_flag():
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.total == 24
    assert result.flags == ()


def test_to_json_has_the_documented_keys():
    data = score("phq9", [1, 0, 2, 3, 1, 0, 0, 1, 1]).to_json()
    assert data == {"instrument": "phq9", "total": 9, "severity": "mild", "flags": ["suicide_risk"]}


def test_the_items_carry_the_published_loinc_codes_in_order():
    codes = [item.loinc for item in instrument("phq9").items]
    assert codes == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
        "44258-2", "44252-5", "44253-3", "44260-8",
    ]  # fmt: skip
    assert instrument("phq9").total_loinc == "44261-6"
    assert instrument("phq9").panel_loinc == "44249-1"


def test_the_answer_options_carry_the_loinc_answer_codes():
    item = instrument("phq9").items[0]
    assert [(o.value, o.label, o.loinc) for o in item.options] == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]
    assert tuple(item.options[0]) == (0, "Not at all")
