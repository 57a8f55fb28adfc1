"""Bad input is refused with PopulationInputError naming the field; nothing is simulated."""

from __future__ import annotations

import math
from typing import Any

import pytest

from openkap.clinical.pk_population import (
    Infusion,
    MammillaryModel,
    PopulationInputError,
    Variability,
    population_curves,
    sample_subjects,
    simulate_population,
)
from openkap.clinical.tests.pk_population_helpers import MODELS, SPREAD

GOOD_DOSES = (Infusion(start_min=0.0, duration_min=40.0, mg_per_kg=0.5),)


def run(**changes: Any) -> None:
    population = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=10, seed=0)
    arguments: dict[str, Any] = {
        "subjects": population,
        "doses": GOOD_DOSES,
        "t_end_min": 240.0,
        "step_min": 1.0,
        "threshold_ng_per_ml": 100.0,
    }
    arguments.update(changes)
    simulate_population(**arguments)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"step_min": 0.0}, "step_min"),
        ({"step_min": -1.0}, "step_min"),
        ({"step_min": math.nan}, "step_min"),
        ({"step_min": 1e-4}, "step_min"),  # too many points
        ({"t_end_min": 0.0}, "t_end_min"),
        ({"t_end_min": math.inf}, "t_end_min"),
        ({"threshold_ng_per_ml": -1.0}, "threshold_ng_per_ml"),
        ({"threshold_ng_per_ml": math.nan}, "threshold_ng_per_ml"),
        ({"percentiles": (5.0, 101.0)}, "percentiles"),
        ({"percentiles": ()}, "percentiles"),
        ({"threads": 0}, "threads"),
        ({"chunk_subjects": 0}, "chunk_subjects"),
        ({"block_columns": 0}, "block_columns"),
        ({"doses": ()}, "doses"),
        ({"doses": (Infusion(start_min=0.0, duration_min=-1.0, mg=1.0),)}, "doses"),
        ({"doses": (Infusion(start_min=0.0, duration_min=1.0, mg=-1.0),)}, "doses"),
        ({"doses": (Infusion(start_min=-5.0, duration_min=1.0, mg=1.0),)}, "doses"),
        ({"doses": (Infusion(start_min=math.nan, duration_min=1.0, mg=1.0),)}, "doses"),
    ],
)
def test_a_bad_run_argument_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(PopulationInputError) as caught:
        run(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("model", "variability", "subjects", "field"),
    [
        (MammillaryModel(v1_l_per_kg=0.0, k10=0.1), SPREAD, 10, "v1_l_per_kg"),
        (MammillaryModel(v1_l_per_kg=0.06, k10=-0.1), SPREAD, 10, "k10"),
        (MammillaryModel(v1_l_per_kg=0.06, k10=0.1, k12=0.2), SPREAD, 10, "k12"),
        (MammillaryModel(v1_l_per_kg=0.06, k10=0.1, k13=0.2, k31=0.1), SPREAD, 10, "k13"),
        (MODELS[3], Variability(cv={"ka": 0.3}), 10, "cv"),
        (MODELS[3], Variability(cv={"k10": -0.3}), 10, "cv"),
        (MODELS[3], Variability(weight_cv=math.inf), 10, "cv"),
        (MODELS[3], Variability(weight_median_kg=0.0), 10, "weight_median_kg"),
        (MODELS[3], SPREAD, 0, "subjects"),
    ],
)
def test_a_bad_population_is_refused_naming_the_field(
    model: MammillaryModel, variability: Variability, subjects: int, field: str
) -> None:
    with pytest.raises(PopulationInputError) as caught:
        sample_subjects(model=model, variability=variability, subjects=subjects, seed=0)
    assert caught.value.field == field


def test_materialising_a_huge_population_is_refused() -> None:
    population = sample_subjects(model=MODELS[1], variability=SPREAD, subjects=300_000, seed=0)
    with pytest.raises(PopulationInputError) as caught:
        population_curves(subjects=population, doses=GOOD_DOSES, t_end_min=240.0, step_min=1.0)
    assert caught.value.field == "subjects"


def test_nearly_repeated_exponents_are_refused() -> None:
    # k10 = k21 with a vanishing k12: the two exponents differ by ~2 sqrt(k12 / k10) relative, and
    # the sum-of-exponentials coefficients would divide nearly zero by nearly zero.
    model = MammillaryModel(v1_l_per_kg=0.06, k10=0.1, k12=1e-15, k21=0.1)
    population = sample_subjects(model=model, variability=Variability(), subjects=3, seed=0)
    with pytest.raises(PopulationInputError) as caught:
        population_curves(subjects=population, doses=GOOD_DOSES, t_end_min=60.0, step_min=1.0)
    assert caught.value.field == "subjects"
