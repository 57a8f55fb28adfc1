"""Hand-computed doses, volumes and rates."""

from __future__ import annotations

import pytest

from openkap.clinical.dosing import DoseError, DoseRequest, dose_calculate


def test_it_calculates_the_iv_infusion_from_weight_concentration_and_diluent():
    # 0.5 mg/kg x 70 kg = 35 mg; 35 mg / 10 mg/ml = 3.5 ml; + 96.5 ml = 100 ml; over 40 min = 150 ml/h
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.5,
            weight_kg=70,
            infusion_min=40,
            concentration_mg_per_ml=10,
            diluent_ml=96.5,
        )
    )
    assert result.dose_mg == 35
    assert result.volume_ml == 3.5
    assert result.total_volume_ml == 100
    assert result.rate_ml_per_h == 150
    assert result.devices is None
    assert result.warnings == ()
    assert "0.5 mg/kg x 70 kg = 35 mg" in result.rule
    assert "Sanacora" in result.source or "Andrade" in result.source


def test_it_calculates_a_second_iv_case():
    # 0.5 mg/kg x 82 kg = 41 mg; / 50 mg/ml = 0.82 ml; + 49.18 ml = 50 ml; over 40 min = 75 ml/h
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.5,
            weight_kg=82,
            infusion_min=40,
            concentration_mg_per_ml=50,
            diluent_ml=49.18,
        )
    )
    assert (result.dose_mg, result.volume_ml, result.total_volume_ml, result.rate_ml_per_h) == (
        41,
        0.82,
        50,
        75,
    )


def test_it_counts_esketamine_devices():
    result = dose_calculate(DoseRequest(route="intranasal_esketamine", dose_mg=84))
    assert result.dose_mg == 84
    assert result.devices == 3
    assert result.volume_ml is None and result.rate_ml_per_h is None
    assert "label" in result.source.lower()


@pytest.mark.parametrize("alias", ["esketamine", "spravato", "ESKETAMINE"])
def test_it_accepts_the_esketamine_aliases(alias: str):
    assert dose_calculate(DoseRequest(route=alias, dose_mg=56)).devices == 2


def test_an_im_bolus_has_a_volume_and_no_rate():
    # 0.75 mg/kg x 60 kg = 45 mg; / 50 mg/ml = 0.9 ml
    result = dose_calculate(
        DoseRequest(
            route="im",
            dose_mg_per_kg=0.75,
            weight_kg=60,
            infusion_min=0,
            concentration_mg_per_ml=50,
        )
    )
    assert (result.dose_mg, result.volume_ml, result.total_volume_ml) == (45, 0.9, 0.9)
    assert result.rate_ml_per_h is None


def test_an_unverified_range_is_named_in_the_warnings():
    result = dose_calculate(DoseRequest(route="sublingual", dose_mg=100))
    assert result.dose_mg == 100
    assert any("Unverified range" in warning for warning in result.warnings)


def test_the_protocol_supplies_the_infusion_time_and_says_so():
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.5,
            weight_kg=70,
            concentration_mg_per_ml=10,
            diluent_ml=96.5,
            protocol_id="iv-racemic-ketamine",
        )
    )
    assert result.rate_ml_per_h == 150
    assert any("40 min" in w and "iv-racemic-ketamine" in w for w in result.warnings)
    assert result.inputs["protocol"] == "iv-racemic-ketamine"


def test_it_rounds_mg_to_a_tenth_and_ml_to_a_hundredth():
    # 0.5 mg/kg x 70.33 kg = 35.165 mg -> 35.2 mg; / 10 mg/ml = 3.5165 ml -> 3.52 ml
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.5,
            weight_kg=70.33,
            infusion_min=40,
            concentration_mg_per_ml=10,
        )
    )
    assert result.dose_mg == 35.2
    assert result.volume_ml == 3.52


def test_the_json_has_the_fields_of_the_command():
    data = dose_calculate(DoseRequest(route="intranasal_esketamine", dose_mg=56)).to_json()
    assert {
        "dose_mg",
        "volume_ml",
        "total_volume_ml",
        "rate_ml_per_h",
        "devices",
        "rule",
        "source",
        "warnings",
    } <= set(data)


def test_a_fixed_dose_with_a_weight_is_checked_per_kg():
    # 35 mg / 70 kg = 0.5 mg/kg, inside 0.1-0.75; 70 mg / 70 kg = 1 mg/kg, outside.
    result = dose_calculate(DoseRequest(route="iv", dose_mg=35, weight_kg=70, infusion_min=40))
    assert result.dose_mg == 35
    assert "0.5 mg/kg" in result.rule
    with pytest.raises(DoseError) as caught:
        dose_calculate(DoseRequest(route="iv", dose_mg=70, weight_kg=70, infusion_min=40))
    assert caught.value.field == "dose_mg" and caught.value.overridable


def test_a_volume_too_small_to_measure_is_flagged():
    # 0.1 mg/kg x 1 kg = 0.1 mg; / 100 mg/ml = 0.001 ml, shown as 0.0 ml
    result = dose_calculate(
        DoseRequest(
            route="iv",
            dose_mg_per_kg=0.1,
            weight_kg=1,
            infusion_min=40,
            concentration_mg_per_ml=100,
        )
    )
    assert result.volume_ml == 0
    assert any("below 0.01 ml" in warning for warning in result.warnings)
