"""Clinician-rated instruments: MADRS (0-60, Snaith bands, item-10 flag), MOAA/S (0-5, 0 = loss of
consciousness) and the OpenKAP clinic-policy dissociation rating (0-4)."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import instrument, score


@pytest.mark.parametrize(
    ("total", "severity"),
    [(0, "normal"), (6, "normal"), (7, "mild"), (19, "mild"), (20, "moderate"), (34, "moderate"),
     (35, "severe"), (60, "severe")],
)  # fmt: skip
def test_madrs_bands_are_snaiths(total, severity):
    answers = [min(6, max(0, total - 6 * i)) for i in range(10)]
    assert sum(answers) == total
    assert score("madrs", answers).severity == severity


def test_madrs_item_10_rated_2_flags_suicide_risk_and_1_does_not():
    assert score("madrs", [0] * 9 + [1]).flags == ()
    assert score("madrs", [0] * 9 + [2]).flags == ("suicide_risk",)


def test_madrs_is_clinician_rated_with_7_options_per_item():
    madrs = instrument("madrs")
    assert madrs.rater == "clinician"
    assert len(madrs.items) == 10
    assert all(item.values == (0, 1, 2, 3, 4, 5, 6) for item in madrs.items)


def test_moaas_0_is_loss_of_consciousness():
    result = score("moaas", [0])
    assert result.total == 0
    assert result.flags == ("loss_of_consciousness",)
    assert result.details["label"] == "No response to painful trapezius squeeze"


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_moaas_above_0_raises_no_flag(rating):
    result = score("moaas", [rating])
    assert result.total == rating
    assert result.flags == ()
    assert result.severity is None


def test_moaas_5_is_responds_readily():
    assert score("moaas", [5]).details["label"] == "Responds readily to name in normal tone"


def test_the_dissociation_rating_is_labelled_as_clinic_policy():
    rating = instrument("dissociation")
    assert "clinic policy" in rating.name
    assert rating.items[0].values == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(("rating", "flags"), [(0, ()), (2, ()), (3, ("marked_dissociation",))])
def test_the_dissociation_flag_starts_at_3(rating, flags):
    assert score("dissociation", [rating]).flags == flags
