"""The models reproduce figures their papers publish, computed here from the predicted curves (area
under the curve to the end of a 14-day horizon, by the trapezoidal rule on a fine grid):

- Perez-Ruixo 2021 abstract: absolute bioavailability of the nasal spray 54% at 56 mg and 51% at
  84 mg; of the swallowed part 18.6% reaches the circulation.
- Simons 2022: 26.3% of a film dose reaches the circulation through the mucosa (the swallowed part
  goes to hepatic metabolism only).
- Fanta 2015 abstract: S-ketamine clearance 95 L/h at 70 kg; Otto 2021: all of it forms
  norketamine (mass balance: CL x AUC = dose for both)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from openkap.clinical.pk import Dose, pk_model_get, pk_simulate

GRID = np.union1d(np.linspace(0, 240, 9601), np.linspace(240, 20160, 19921))


def _auc_mg_min_per_l(model_id: str, dose: Dose, weight: float = 70.0) -> tuple[Any, Any]:
    p = pk_simulate(model=pk_model_get(model_id), doses=[dose], weight_kg=weight, time_min=GRID)
    assert p.ketamine_ng_per_ml[-1] < 1e-6 * p.cmax_ng_per_ml  # the horizon covers the curve
    ketamine = np.trapezoid(p.ketamine_ng_per_ml, GRID) / 1000
    norketamine = (
        np.trapezoid(p.norketamine_ng_per_ml, GRID) / 1000
        if p.norketamine_ng_per_ml is not None
        else None
    )
    return ketamine, norketamine


@pytest.mark.parametrize(("mg", "published"), [(56, 0.54), (84, 0.51)])
def test_esketamine_nasal_spray_bioavailability(mg, published):
    iv, _ = _auc_mg_min_per_l("perez-ruixo-2021", Dose("iv", 28))
    nasal, _ = _auc_mg_min_per_l("perez-ruixo-2021", Dose("intranasal_esketamine", mg))
    assert (nasal / mg) / (iv / 28) == pytest.approx(published, abs=0.01)


def test_the_swallowed_part_of_esketamine_reaches_the_circulation_at_about_18_6_percent():
    iv, _ = _auc_mg_min_per_l("perez-ruixo-2021", Dose("iv", 28))
    oral, _ = _auc_mg_min_per_l("perez-ruixo-2021", Dose("oral", 84))
    assert (oral / 84) / (iv / 28) == pytest.approx(0.186, abs=0.01)


def test_the_thin_film_reaches_the_circulation_through_the_mucosa_only():
    iv, _ = _auc_mg_min_per_l("simons-2022", Dose("iv", 20, 0, 20))
    film, _ = _auc_mg_min_per_l("simons-2022", Dose("sublingual", 50))
    assert (film / 50) / (iv / 20) == pytest.approx(0.263, rel=1e-3)


@pytest.mark.parametrize("weight", [70.0, 95.0])
def test_fanta_clearance_and_norketamine_mass_balance(weight):
    ketamine, norketamine = _auc_mg_min_per_l("fanta-2015", Dose("iv", 10, 0, 30), weight)
    clearance_l_per_h = 95.2 * (weight / 70) ** 0.75  # Otto 2021 Table 3, allometric 0.75
    assert clearance_l_per_h / 60 * ketamine == pytest.approx(10, rel=1e-3)
    assert 57.7 * (weight / 70) ** 0.75 / 60 * norketamine == pytest.approx(10, rel=1e-3)
    if weight == 70.0:
        assert 10 / ketamine * 60 == pytest.approx(95, rel=0.01)  # the Fanta abstract's 95 L/h
