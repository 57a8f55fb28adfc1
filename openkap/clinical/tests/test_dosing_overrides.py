"""A dose outside the allowed range is refused unless the prescriber gives a reason; then it passes
with a warning naming the override and the range. Rounding never moves a dose into the range."""

from __future__ import annotations

import pytest

from openkap.clinical.dosing import DoseError, DoseRequest, dose_calculate


def test_an_iv_dose_above_the_range_is_refused_as_overridable():
    with pytest.raises(DoseError) as caught:
        dose_calculate(DoseRequest(route="iv", dose_mg_per_kg=1.0, weight_kg=70, infusion_min=40))
    assert caught.value.field == "dose_mg_per_kg"
    assert caught.value.overridable
    assert "0.1-0.75 mg/kg" in str(caught.value)


def test_a_reason_passes_the_range_with_a_warning_naming_it():
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=1.0,
            weight_kg=70,
            infusion_min=40,
            override_reason="partial response at 0.75 mg/kg",
        )
    )
    assert result.dose_mg == 70
    [warning] = [w for w in result.warnings if "OVERRIDE" in w]
    assert "0.1-0.75 mg/kg" in warning
    assert "partial response at 0.75 mg/kg" in warning


def test_a_blank_reason_is_no_reason():
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(route="intranasal_esketamine", dose_mg=28, override_reason="   ")
        )
    assert caught.value.overridable


def test_28_mg_esketamine_needs_an_override_on_the_us_label():
    result = dose_calculate(
        DoseRequest(route="intranasal_esketamine", dose_mg=28, override_reason="age 70, HK label")
    )
    assert result.devices == 1
    assert any("56-84 mg" in w for w in result.warnings)


def test_a_protocol_range_is_checked_too():
    # 40 mg sublingual is inside the route's 10-300 mg but below the in-office protocol's 50-200 mg.
    dose_calculate(DoseRequest(route="sublingual", dose_mg=40))
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(route="sublingual", dose_mg=40, protocol_id="kap-sublingual-in-office")
        )
    assert caught.value.overridable and "50-200 mg" in str(caught.value)


def test_an_infusion_time_outside_the_studied_range_is_overridable():
    with pytest.raises(DoseError) as caught:
        dose_calculate(DoseRequest(route="iv", dose_mg_per_kg=0.5, weight_kg=70, infusion_min=1))
    assert caught.value.field == "infusion_min" and caught.value.overridable


def test_a_dose_just_above_the_range_is_not_rounded_into_it():
    # 0.7501 mg/kg x 100 kg = 75.01 mg, shown as 75.0 mg, but 0.7501 mg/kg is above 0.75.
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(route="iv", dose_mg_per_kg=0.7501, weight_kg=100, infusion_min=40)
        )
    assert caught.value.overridable


def test_a_fixed_dose_just_above_the_range_is_not_rounded_into_it():
    with pytest.raises(DoseError):
        dose_calculate(DoseRequest(route="sublingual", dose_mg=300.04))
