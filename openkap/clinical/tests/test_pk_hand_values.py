"""Values checked by hand from first principles (never copied from the engine's output)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from openkap.clinical.pk import Dose, Prediction, pk_model_get, pk_simulate

K10, K12, K13, K21, K31 = 0.4381, 0.5921, 0.590, 0.247, 0.0146


def _domino(doses: list[Dose], weight: float, t: Any) -> Prediction:
    return pk_simulate(model=pk_model_get("domino-1984"), doses=doses, weight_kg=weight, time_min=t)


def _domino_unit_bolus_response(t: Any) -> tuple[Any, Any]:
    """Central amount after a 1 mg bolus: sum of A_i exp(-lambda_i t), with lambda_i the roots of
    the characteristic polynomial of the three-compartment mammillary model and
    A_i = (k21 - l_i)(k31 - l_i) / prod_{j != i}(l_j - l_i) (Gibaldi & Perrier)."""
    e1 = K10 + K12 + K13
    # det(lambda I - ...) for rates: lambda^3 - (e1 + k21 + k31) lambda^2 + ... (in -lambda form)
    a2 = e1 + K21 + K31
    a1 = e1 * (K21 + K31) + K21 * K31 - K12 * K21 - K13 * K31
    a0 = K10 * K21 * K31
    lambdas = np.sort(np.roots([1.0, -a2, a1, -a0]).real)
    amount = np.zeros_like(t)
    for i, li in enumerate(lambdas):
        others = [lj for j, lj in enumerate(lambdas) if j != i]
        coefficient = (K21 - li) * (K31 - li) / np.prod([lj - li for lj in others])
        amount += coefficient * np.exp(-li * t)
    return amount, lambdas


def test_a_bolus_gives_dose_over_central_volume_at_once():
    prediction = _domino([Dose("iv", 35.0)], 70, [0.0, 1.0])
    assert prediction.ketamine_ng_per_ml[0] == pytest.approx(35 / (0.063 * 70) * 1000, rel=1e-12)
    clements = pk_simulate(
        model=pk_model_get("clements-nimmo-1981"),
        doses=[Dose("iv", 17.5)],
        weight_kg=70,
        time_min=[0.0],
    )
    assert clements.ketamine_ng_per_ml[0] == pytest.approx(17.5 / (1.7522 * 70) * 1000, rel=1e-12)


def test_domino_half_lives_match_the_published_derivation():
    _, lambdas = _domino_unit_bolus_response(np.zeros(1))
    # pkpd.md §1.1 [DERIVED]: half-lives 0.40 min, 4.6 min, 115 min
    assert np.log(2) / lambdas == pytest.approx([115, 4.6, 0.40], rel=0.02)


def test_domino_bolus_matches_the_triexponential_solution():
    t = np.linspace(0, 600, 301)
    amount, _ = _domino_unit_bolus_response(t)
    expected = 20.0 * amount / (0.063 * 80) * 1000
    prediction = _domino([Dose("iv", 20.0)], 80, t)
    np.testing.assert_allclose(prediction.ketamine_ng_per_ml, expected, rtol=1e-9)


def test_domino_infusion_is_the_integral_of_the_bolus_response():
    # 0.5 mg/kg over 40 min in 70 kg: C(t) = rate * int_0^min(t,40) g(t - s) ds, by quadrature.
    rate = 35.0 / 40.0
    s = np.linspace(0, 40, 400_001)
    for t_end in (10.0, 40.0, 55.0):
        inside = s[s <= t_end]
        g, _ = _domino_unit_bolus_response(t_end - inside)
        amount = rate * np.trapezoid(g, inside)
        expected = amount / (0.063 * 70) * 1000
        got = _domino([Dose("iv", 35.0, 0, 40)], 70, [t_end]).ketamine_ng_per_ml[0]
        assert got == pytest.approx(expected, rel=1e-7)


def test_domino_40_minute_infusion_peaks_at_its_end():
    t = np.arange(0, 241, 0.5)
    prediction = _domino([Dose("iv", 35.0, 0, 40)], 70, t)
    assert prediction.tmax_min == 40.0
    # Published venous anchor (Zarate 2006 via Zanos 2018): peak about 185 ng/mL; this model is a
    # fast (StanPump) model, so the predicted peak is of that order, not equal (see the docs).
    assert 150 < prediction.cmax_ng_per_ml < 300


def test_clearance_times_area_is_the_dose():
    # Mass balance for a bolus: dose = CL * AUC(0, inf), CL = k10 * V1.
    t = np.union1d(np.linspace(0, 20, 40001), np.linspace(20, 4000, 20001))
    prediction = _domino([Dose("iv", 35.0)], 70, t)
    c_mg_per_l = prediction.ketamine_ng_per_ml / 1000
    _, lambdas = _domino_unit_bolus_response(np.zeros(1))
    tail = c_mg_per_l[-1] / lambdas[0]
    auc = np.trapezoid(c_mg_per_l, t) + tail
    assert K10 * 0.063 * 70 * auc == pytest.approx(35.0, rel=1e-4)
