"""Bad input is refused with a PkInputError naming the field, never simulated."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from openkap.clinical.pk import (
    Dose,
    PkInputError,
    Prediction,
    pk_infusion_plan,
    pk_model_get,
    pk_population_band,
    pk_simulate,
)

DOMINO = pk_model_get("domino-1984")
PEREZ = pk_model_get("perez-ruixo-2021")


def _field(call: Callable[..., Any], **kwargs: Any) -> str:
    with pytest.raises(PkInputError) as error:
        call(**kwargs)
    assert error.value.field in str(error.value)
    return error.value.field


def _simulate(**overrides: Any) -> Prediction:
    arguments = {
        "model": DOMINO,
        "doses": [Dose("iv", 35, 0, 40)],
        "weight_kg": 70,
        "time_min": [0, 10, 20],
    }
    return pk_simulate(**{**arguments, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"doses": [Dose("sublingual", 100)]}, "route"),
        ({"doses": [Dose("im", 35)]}, "route"),
        ({"doses": []}, "doses"),
        ({"doses": [Dose("iv", 0)]}, "dose_mg"),
        ({"doses": [Dose("iv", -5)]}, "dose_mg"),
        ({"doses": [Dose("iv", math.nan)]}, "dose_mg"),
        ({"doses": [Dose("iv", 50_000)]}, "dose_mg"),
        ({"doses": [Dose("iv", 35, -1)]}, "start_min"),
        ({"doses": [Dose("iv", 35, 0, -40)]}, "infusion_min"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"weight_kg": -70}, "weight_kg"),
        ({"weight_kg": 4000}, "weight_kg"),
        ({"weight_kg": "heavy"}, "weight_kg"),
        ({"time_min": [0, 20, 10]}, "time_min"),
        ({"time_min": [0, 10, 10]}, "time_min"),
        ({"time_min": [-1, 10]}, "time_min"),
        ({"time_min": []}, "time_min"),
        ({"time_min": [0, math.inf]}, "time_min"),
        ({"time_min": list(range(200_000))}, "time_min"),
        ({"model": "domino-1984"}, "model"),
    ],
)
def test_it_names_the_field(overrides, field):
    assert _field(_simulate, **overrides) == field


def test_esketamine_must_be_whole_devices():
    field = _field(
        pk_simulate,
        model=PEREZ,
        doses=[Dose("intranasal_esketamine", 70)],
        weight_kg=70,
        time_min=[0, 10],
    )
    assert field == "dose_mg"


def test_only_iv_takes_an_infusion_time():
    field = _field(
        pk_simulate,
        model=PEREZ,
        doses=[Dose("intranasal_esketamine", 56, 0, 10)],
        weight_kg=70,
        time_min=[0, 10],
    )
    assert field == "infusion_min"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_ng_per_ml": 0}, "target_ng_per_ml"),
        ({"target_ng_per_ml": 1e6}, "target_ng_per_ml"),
        ({"duration_min": -5}, "duration_min"),
        ({"step_min": 0}, "step_min"),
        ({"step_min": 200}, "step_min"),
        ({"weight_kg": 0.2}, "weight_kg"),
    ],
)
def test_the_planner_names_the_field(overrides, field):
    arguments = {"model": DOMINO, "weight_kg": 70, "target_ng_per_ml": 150, "duration_min": 60}
    assert _field(pk_infusion_plan, **{**arguments, **overrides}) == field


def test_the_band_refuses_a_silly_number_of_subjects():
    arguments = {
        "model": PEREZ,
        "doses": [Dose("intranasal_esketamine", 56)],
        "weight_kg": 70,
        "time_min": [0, 10],
    }
    assert _field(pk_population_band, **arguments, subjects=1) == "subjects"
    assert _field(pk_population_band, **arguments, subjects=10**7) == "subjects"


def test_threshold_and_after_min_are_checked():
    prediction = _simulate()
    with pytest.raises(PkInputError) as error:
        prediction.minutes_above(-1)
    assert error.value.field == "threshold_ng_per_ml"
    with pytest.raises(PkInputError) as error:
        prediction.minutes_until_below(100, after_min=500)
    assert error.value.field == "after_min"
