"""Refused doses: each names its field; only a range check can be overridden."""

from __future__ import annotations

import math

import pytest

from openkap.clinical.dosing import DoseError, DoseRequest, dose_calculate

IV = {"route": "iv", "infusion_min": 40}


def refused(**fields: object) -> DoseError:
    with pytest.raises(DoseError) as caught:
        dose_calculate(DoseRequest(**fields))  # type: ignore[arg-type]
    return caught.value


def test_it_refuses_an_esketamine_dose_that_is_not_whole_devices():
    error = refused(route="intranasal_esketamine", dose_mg=70)
    assert error.field == "dose_mg" and not error.overridable
    assert "28 mg devices" in str(error)


def test_a_reason_does_not_pass_a_part_device():
    error = refused(route="intranasal_esketamine", dose_mg=70, override_reason="tolerability")
    assert error.field == "dose_mg" and not error.overridable


def test_it_refuses_esketamine_by_weight():
    error = refused(route="intranasal_esketamine", dose_mg_per_kg=1, weight_kg=70)
    assert error.field == "dose_mg_per_kg" and not error.overridable


def test_it_refuses_a_mg_per_kg_dose_without_a_weight():
    error = refused(**IV, dose_mg_per_kg=0.5)
    assert error.field == "weight_kg" and not error.overridable


def test_it_refuses_a_fixed_iv_dose_it_cannot_check_without_a_weight():
    error = refused(**IV, dose_mg=35)
    assert error.field == "weight_kg" and not error.overridable


def test_it_refuses_both_mg_per_kg_and_mg():
    error = refused(**IV, dose_mg_per_kg=0.5, weight_kg=70, dose_mg=35)
    assert error.field == "dose_mg" and not error.overridable


def test_it_refuses_no_dose_at_all():
    assert refused(**IV, weight_kg=70).field == "dose_mg"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dose_mg_per_kg", 0),
        ("dose_mg_per_kg", -0.5),
        ("weight_kg", 0),
        ("weight_kg", -70),
        ("concentration_mg_per_ml", 0),
        ("concentration_mg_per_ml", -10),
        ("diluent_ml", -5),
        ("diluent_ml", 0),
        ("infusion_min", -40),
        ("dose_mg_per_kg", math.nan),
        ("weight_kg", math.inf),
    ],
)
def test_it_refuses_impossible_values_even_with_a_reason(field: str, value: float):
    fields: dict[str, object] = {
        "route": "iv",
        "dose_mg_per_kg": 0.5,
        "weight_kg": 70,
        "infusion_min": 40,
        "concentration_mg_per_ml": 10,
        "diluent_ml": 96.5,
        "override_reason": "prescriber insists",
    }
    fields[field] = value
    error = refused(**fields)
    assert error.field == field and not error.overridable


@pytest.mark.parametrize("weight", [0.5, 401, 7000])
def test_it_refuses_an_implausible_weight_even_with_a_reason(weight: float):
    error = refused(**IV, dose_mg_per_kg=0.5, weight_kg=weight, override_reason="sure")
    assert error.field == "weight_kg" and not error.overridable
    assert "1-400 kg" in str(error)


def test_an_iv_bolus_is_outside_the_infusion_range_and_needs_an_override():
    error = refused(route="iv", dose_mg_per_kg=0.5, weight_kg=70, infusion_min=0)
    assert error.field == "infusion_min" and error.overridable


def test_an_overridden_iv_bolus_has_no_rate():
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.5,
            weight_kg=70,
            infusion_min=0,
            concentration_mg_per_ml=10,
            override_reason="Anaesthesia induction",
        )
    )
    assert (result.dose_mg, result.volume_ml, result.rate_ml_per_h) == (35.0, 3.5, None)
    assert any("Bolus" in warning for warning in result.warnings)


def test_it_refuses_an_iv_dose_without_an_infusion_time():
    assert refused(route="iv", dose_mg_per_kg=0.5, weight_kg=70).field == "infusion_min"


def test_it_refuses_an_infusion_time_for_a_route_that_is_not_infused():
    error = refused(route="im", dose_mg_per_kg=0.5, weight_kg=70, infusion_min=10)
    assert error.field == "infusion_min" and not error.overridable


def test_it_refuses_a_diluent_without_a_concentration():
    error = refused(**IV, dose_mg_per_kg=0.5, weight_kg=70, diluent_ml=100)
    assert error.field == "concentration_mg_per_ml"


def test_it_refuses_a_concentration_for_esketamine_devices():
    error = refused(route="intranasal_esketamine", dose_mg=56, concentration_mg_per_ml=140)
    assert error.field == "concentration_mg_per_ml"


def test_it_refuses_an_unknown_route():
    error = refused(route="rectal", dose_mg=10)
    assert error.field == "route" and "iv" in str(error)


def test_it_refuses_a_protocol_for_another_route():
    error = refused(**IV, dose_mg_per_kg=0.5, weight_kg=70, protocol_id="esketamine-trd")
    assert error.field == "protocol"


def test_it_refuses_an_unknown_protocol():
    assert refused(**IV, dose_mg_per_kg=0.5, weight_kg=70, protocol_id="nope").field == "protocol"


def test_it_refuses_a_dose_too_small_to_show_even_with_a_reason():
    # 0.01 mg rounds to 0.0 mg at the 0.1 mg precision
    error = refused(route="sublingual", dose_mg=0.01, override_reason="microdose")
    assert error.field == "dose_mg" and not error.overridable
