"""The population simulation gives the PK engine's concentrations for the same parameters:
`pk_simulate` for the typical subject, `pk_simulate_subjects` for subjects given by their random
effects (Domino 1984, three compartments; Clements & Nimmo 1981, two)."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk import (
    Dose,
    pk_model_get,
    pk_parameter_table,
    pk_simulate,
    pk_simulate_subjects,
)
from openkap.clinical.pk_population import Infusion, MammillaryModel, Subjects, population_curves

DOSES = (
    Dose(route="iv", amount_mg=35.0, start_min=0.0, duration_min=40.0),
    Dose(route="iv", amount_mg=10.0, start_min=65.5, duration_min=0.0),
    Dose(route="iv", amount_mg=12.0, start_min=90.0, duration_min=12.5),
)
INFUSIONS = tuple(
    Infusion(start_min=d.start_min, duration_min=d.duration_min, mg=d.amount_mg) for d in DOSES
)
NAMES = ("V1", "k10", "k12", "k13", "k21", "k31")


def typical(model_id: str) -> dict[str, float]:
    rows = {r["name"]: r for r in pk_parameter_table(pk_model_get(model_id))}
    return {name: float(rows[name]["value"]) if name in rows else 0.0 for name in NAMES}


def subjects_from(values: dict[str, float], etas: dict[str, np.ndarray], weight: float) -> Subjects:
    n = next(iter(etas.values())).size
    column = {name: values[name] * np.exp(etas.get(name, np.zeros(n))) for name in NAMES}
    return Subjects(
        weight_kg=np.full(n, weight),
        v1_l=column["V1"] * weight,
        k10=column["k10"],
        k12=column["k12"],
        k13=column["k13"],
        k21=column["k21"],
        k31=column["k31"],
        compartments=3 if values["k13"] > 0 else 2,
    )


@pytest.mark.parametrize("model_id", ["domino-1984", "clements-nimmo-1981"])
def test_the_typical_subject_equals_pk_simulate(model_id: str) -> None:
    values = typical(model_id)
    model = MammillaryModel(
        v1_l_per_kg=values["V1"],
        k10=values["k10"],
        k12=values["k12"],
        k13=values["k13"],
        k21=values["k21"],
        k31=values["k31"],
    )
    weight = 83.0
    subjects = subjects_from(values, {"V1": np.zeros(1)}, weight)
    assert subjects.compartments == model.compartments
    t, curves = population_curves(subjects=subjects, doses=INFUSIONS, t_end_min=300, step_min=0.5)
    engine = pk_simulate(model=pk_model_get(model_id), doses=DOSES, weight_kg=weight, time_min=t)
    np.testing.assert_allclose(curves[0], engine.ketamine_ng_per_ml, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("model_id", ["domino-1984", "clements-nimmo-1981"])
def test_varied_subjects_equal_pk_simulate_subjects(model_id: str) -> None:
    values = typical(model_id)
    rng = np.random.default_rng(7)
    etas = {name: rng.normal(0.0, 0.3, 40) for name in NAMES if values[name] > 0}
    weight = 64.0
    subjects = subjects_from(values, etas, weight)
    t, curves = population_curves(subjects=subjects, doses=INFUSIONS, t_end_min=240, step_min=1)
    engine, _ = pk_simulate_subjects(
        model=pk_model_get(model_id), doses=DOSES, weight_kg=weight, time_min=t, etas=etas
    )
    np.testing.assert_allclose(curves, engine, rtol=1e-8, atol=1e-9)
