"""Each virtual subject's curve equals an independent ODE solution (solve_ivp, rtol 1e-10) of the
same model, for one, two and three compartments, boluses, infusions cut between grid points and
pauses, within 1e-6 relative."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk_population import Infusion, population_curves, sample_subjects
from openkap.clinical.tests.pk_population_helpers import MODELS, REGIMEN, SPREAD, ode_curve


@pytest.mark.parametrize("compartments", [1, 2, 3])
def test_each_subject_matches_the_ode_solution(compartments: int) -> None:
    subjects = sample_subjects(
        model=MODELS[compartments], variability=SPREAD, subjects=300, seed=compartments
    )
    t, curves = population_curves(subjects=subjects, doses=REGIMEN, t_end_min=240, step_min=1)
    assert t[0] == 0.0 and t[-1] == 240.0 and t.size == 241
    for i in range(0, 300, 25):
        reference = ode_curve(
            v1_l=float(subjects.v1_l[i]),
            k10=float(subjects.k10[i]),
            k12=float(subjects.k12[i]) if compartments > 1 else 0.0,
            k13=float(subjects.k13[i]) if compartments > 2 else 0.0,
            k21=float(subjects.k21[i]) if compartments > 1 else 0.0,
            k31=float(subjects.k31[i]) if compartments > 2 else 0.0,
            weight_kg=float(subjects.weight_kg[i]),
            doses=REGIMEN,
            time_min=t,
        )
        np.testing.assert_allclose(curves[i], reference, rtol=1e-6, atol=1e-9)


def test_a_grid_that_does_not_start_at_zero_and_a_coarse_step_match_the_ode() -> None:
    subjects = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=5, seed=9)
    doses = (Infusion(start_min=10.0, duration_min=40.0, mg_per_kg=0.5),)
    t, curves = population_curves(
        subjects=subjects, doses=doses, t_start_min=10.0, t_end_min=250.0, step_min=7.5
    )
    assert t[1] - t[0] == 7.5 and t[-1] == 250.0
    for i in range(5):
        reference = ode_curve(
            v1_l=float(subjects.v1_l[i]),
            k10=float(subjects.k10[i]),
            k12=float(subjects.k12[i]),
            k13=float(subjects.k13[i]),
            k21=float(subjects.k21[i]),
            k31=float(subjects.k31[i]),
            weight_kg=float(subjects.weight_kg[i]),
            doses=doses,
            time_min=t,
        )
        np.testing.assert_allclose(curves[i], reference, rtol=1e-6, atol=1e-9)
