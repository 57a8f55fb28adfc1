"""QIDS-SR16: 16 items into 9 domains, the highest item within sleep (1-4), appetite/weight (6-9) and
psychomotor (15-16), summed to 0-27; bands and the item-12 flag."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import score


def test_the_domain_maximum_example():
    # sleep items 1-4 = 1, 3, 0, 2 -> 3; sad 2; appetite/weight 6-9 = 0, 2, 0, 1 -> 2;
    # concentration 1; self 1; suicide 0; interest 2; energy 1; psychomotor 15-16 = 1, 3 -> 3.
    answers = [1, 3, 0, 2, 2, 0, 2, 0, 1, 1, 1, 0, 2, 1, 1, 3]
    result = score("qids-sr16", answers)
    assert result.total == 3 + 2 + 2 + 1 + 1 + 0 + 2 + 1 + 3 == 15
    assert result.severity == "moderate"
    assert result.details["domains"] == {
        "sleep": 3,
        "sad_mood": 2,
        "appetite_weight": 2,
        "concentration": 1,
        "self_view": 1,
        "suicidal_ideation": 0,
        "interest": 2,
        "energy": 1,
        "psychomotor": 3,
    }
    assert result.flags == ()


def test_all_threes_give_27_not_48():
    result = score("qids-sr16", [3] * 16)
    assert result.total == 27
    assert result.severity == "very severe"


@pytest.mark.parametrize(
    ("single_domain_items", "total", "severity"),
    [
        # items 5, 10, 11, 13 and 14 are one-item domains: 3+2 = 5, 3+3 = 6, ...
        ({5: 3, 10: 2}, 5, "none"),
        ({5: 3, 10: 3}, 6, "mild"),
        ({5: 3, 10: 3, 11: 3, 13: 1}, 10, "mild"),
        ({5: 3, 10: 3, 11: 3, 13: 2}, 11, "moderate"),
        ({5: 3, 10: 3, 11: 3, 13: 3, 14: 3}, 15, "moderate"),
        ({1: 1, 5: 3, 10: 3, 11: 3, 13: 3, 14: 3}, 16, "severe"),
        ({1: 3, 6: 2, 5: 3, 10: 3, 11: 3, 13: 3, 14: 3}, 20, "severe"),
        ({1: 3, 6: 3, 5: 3, 10: 3, 11: 3, 13: 3, 14: 3}, 21, "very severe"),
    ],
)
def test_the_band_boundaries_fall_between_5_6_10_11_15_16_and_20_21(
    single_domain_items, total, severity
):
    answers = [0] * 16
    for number, value in single_domain_items.items():
        answers[number - 1] = value
    result = score("qids-sr16", answers)
    assert (result.total, result.severity) == (total, severity)


def test_item_12_above_zero_flags_suicide_risk():
    answers = [0] * 16
    answers[11] = 1
    result = score("qids-sr16", answers)
    assert result.total == 1
    assert result.flags == ("suicide_risk",)


def test_answering_zero_for_the_appetite_item_left_out_does_not_change_the_score():
    decreased = [0] * 16
    decreased[5] = 2  # item 6 answered, item 7 left at 0
    increased = [0] * 16
    increased[6] = 2  # item 7 answered, item 6 left at 0
    assert score("qids-sr16", decreased).total == score("qids-sr16", increased).total == 2
