"""GAD-7 scoring against hand-computed cases (Spitzer 2006; bands: clinical.md §6)."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import instrument, score


@pytest.mark.parametrize(
    ("answers", "total", "severity"),
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
        ([3, 2, 2, 2, 2, 2, 2], 15, "severe"),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    ],
)
def test_the_band_boundaries_fall_between_4_5_9_10_and_14_15(answers, total, severity):
    result = score("gad7", answers)
    assert (result.total, result.severity, result.flags) == (total, severity, ())


def test_the_total_and_item_codes_are_the_published_loinc_codes():
    gad7 = instrument("gad7")
    assert gad7.total_loinc == "70274-6"
    assert gad7.total_loinc_verified
    assert [item.loinc for item in gad7.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ]  # fmt: skip


def test_the_panel_code_marked_verify_in_the_notes_is_unverified():
    gad7 = instrument("gad7")
    assert gad7.panel_loinc == "69737-5"
    assert not gad7.panel_loinc_verified
