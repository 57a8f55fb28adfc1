"""Properties of the dose calculation (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openkap.clinical.dosing import DoseError, DoseRequest, dose_calculate
from openkap.clinical.protocols import route_dosing

IV_RANGE = route_dosing("iv").mg_per_kg
assert IV_RANGE is not None

in_range_mg_per_kg = st.floats(min_value=IV_RANGE.minimum, max_value=IV_RANGE.maximum)
weights = st.floats(min_value=1, max_value=400)
concentrations = st.sampled_from([10.0, 50.0, 100.0]) | st.floats(min_value=0.5, max_value=100)
diluents = st.floats(min_value=1, max_value=1000)
minutes = st.floats(min_value=2, max_value=100)


@given(in_range_mg_per_kg, weights, concentrations, diluents, minutes)
def test_dose_volume_and_rate_agree(
    per_kg: float, weight: float, concentration: float, diluent: float, infusion: float
):
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=per_kg,
            weight_kg=weight,
            infusion_min=infusion,
            concentration_mg_per_ml=concentration,
            diluent_ml=diluent,
        )
    )
    assert result.volume_ml is not None and result.total_volume_ml is not None
    assert result.rate_ml_per_h is not None
    # dose = mg/kg x weight (to the 0.1 mg rounding)
    assert abs(result.dose_mg - per_kg * weight) <= 0.05 + 1e-9
    # volume x concentration = dose (to the 0.01 ml rounding)
    assert abs(result.volume_ml * concentration - per_kg * weight) <= 0.005 * concentration + 1e-6
    # total = volume + diluent
    assert abs(result.total_volume_ml - (per_kg * weight / concentration + diluent)) <= 0.005 + 1e-9
    # rate x minutes / 60 = total volume (to the 0.1 ml/h rounding)
    exact_total = per_kg * weight / concentration + diluent
    assert math.isclose(
        result.rate_ml_per_h * infusion / 60, exact_total, abs_tol=0.05 * infusion / 60 + 1e-6
    )


@given(
    st.floats(min_value=0.76, max_value=50) | st.floats(min_value=0.001, max_value=0.099), weights
)
def test_outside_the_range_without_a_reason_is_always_refused(per_kg: float, weight: float):
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(route="iv", dose_mg_per_kg=per_kg, weight_kg=weight, infusion_min=40)
        )
    # A range refusal is overridable; a dose too small to show (below 0.05 mg) never is.
    assert caught.value.overridable == (per_kg * weight >= 0.05)


@given(st.floats(min_value=0.76, max_value=50), weights, st.text(min_size=1).filter(str.strip))
def test_outside_the_range_with_a_reason_passes_with_a_warning(
    per_kg: float, weight: float, reason: str
):
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=per_kg,
            weight_kg=weight,
            infusion_min=40,
            override_reason=reason,
        )
    )
    assert any("OVERRIDE" in warning for warning in result.warnings)


impossible = st.one_of(
    st.floats(max_value=0),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
)


@given(
    st.sampled_from(["dose_mg_per_kg", "weight_kg", "concentration_mg_per_ml", "diluent_ml"]),
    impossible,
    st.text(min_size=1).filter(str.strip),
)
def test_an_override_never_lets_an_impossible_value_through(field: str, value: float, reason: str):
    fields: dict[str, object] = {
        "route": "iv",
        "dose_mg_per_kg": 0.5,
        "weight_kg": 70,
        "infusion_min": 40,
        "concentration_mg_per_ml": 10,
        "diluent_ml": 96.5,
        "override_reason": reason,
    }
    fields[field] = value
    with pytest.raises(DoseError) as caught:
        dose_calculate(DoseRequest(**fields))  # type: ignore[arg-type]
    assert not caught.value.overridable


@given(st.floats(min_value=400.001, max_value=1e6) | st.floats(min_value=1e-6, max_value=0.999))
def test_an_override_never_passes_an_implausible_weight(weight: float):
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(
                route="iv",
                dose_mg_per_kg=0.5,
                weight_kg=weight,
                infusion_min=40,
                override_reason="prescriber insists",
            )
        )
    assert caught.value.field == "weight_kg" and not caught.value.overridable


@given(st.floats(min_value=1, max_value=500), st.text())
def test_esketamine_passes_only_whole_devices(dose: float, reason: str):
    assume(not math.isclose(dose / 28, round(dose / 28), abs_tol=1e-9))
    with pytest.raises(DoseError) as caught:
        dose_calculate(
            DoseRequest(route="intranasal_esketamine", dose_mg=dose, override_reason=reason)
        )
    assert caught.value.field == "dose_mg" and not caught.value.overridable


@given(st.integers(min_value=1, max_value=10))
def test_whole_devices_are_counted(devices: int):
    result = dose_calculate(
        DoseRequest(
            route="intranasal_esketamine", dose_mg=28 * devices, override_reason="clinical reason"
        )
    )
    assert result.devices == devices


any_number = (
    st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6)
)


@given(
    st.sampled_from(["iv", "im", "sublingual", "oral", "esketamine", "subcutaneous"]),
    any_number,
    any_number,
    any_number,
    any_number,
    any_number,
    any_number,
    st.text(max_size=5),
)
def test_any_input_gives_a_result_or_a_dose_error(
    route: str,
    per_kg: float | None,
    weight: float | None,
    fixed: float | None,
    minutes: float | None,
    concentration: float | None,
    diluent: float | None,
    reason: str,
):
    request = DoseRequest(
        route=route,
        dose_mg_per_kg=per_kg,
        weight_kg=weight,
        dose_mg=fixed,
        infusion_min=minutes,
        concentration_mg_per_ml=concentration,
        diluent_ml=diluent,
        override_reason=reason,
    )
    try:
        result = dose_calculate(request)
    except DoseError as error:
        assert error.field in {
            "route",
            "dose_mg_per_kg",
            "weight_kg",
            "dose_mg",
            "infusion_min",
            "concentration_mg_per_ml",
            "diluent_ml",
            "protocol",
        } | {"volume_ml", "total_volume_ml", "rate_ml_per_h"}
    else:
        assert result.dose_mg > 0
        for value in (result.volume_ml, result.total_volume_ml, result.rate_ml_per_h):
            assert value is None or (math.isfinite(value) and value >= 0)
