"""The command's JSON agrees within 1e-6 relative with an independent SciPy solution of the
published Domino model (its differential equations written from the issue's constants, integrated
with solve_ivp), for several doses, weights, infusions and boluses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from openkap.clinical.tests.pk_ode_reference import Event, domino, solve
from openkap.pharmacology.tests.pk_command import call_pk, run_pk


@pytest.mark.parametrize(
    ("dose", "weight", "infusion", "t_end", "step"),
    [
        (("--dose-mg-per-kg", "0.5"), 70.0, 40.0, 240.0, 1.0),
        (("--dose-mg-per-kg", "0.5"), 52.5, 40.0, 180.0, 2.5),
        (("--dose-mg-per-kg", "0.75"), 118.0, 100.0, 300.0, 5.0),
        (("--dose-mg", "20"), 64.0, 0.0, 120.0, 0.5),
        (("--dose-mg", "100"), 90.0, 2.0, 60.0, 0.25),
        (("--dose-mg", "35"), 70.0, 37.3, 200.0, 3.0),
    ],
)
def test_it_matches_an_independent_ode_solution(dose, weight, infusion, t_end, step):
    result = call_pk(
        "simulate",
        "--model",
        "domino-1984",
        "--route",
        "iv",
        *dose,
        "--weight-kg",
        str(weight),
        "--infusion-min",
        str(infusion),
        "--t-end-min",
        str(t_end),
        "--step-min",
        str(step),
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    amount = float(dose[1]) * (weight if dose[0] == "--dose-mg-per-kg" else 1.0)
    time_min = np.array(data["time_min"])
    assert time_min[0] == 0 and time_min[-1] == t_end
    assert np.all(np.diff(time_min) <= step + 1e-9)
    np.testing.assert_allclose(
        time_min[: int(t_end // step) + 1], step * np.arange(int(t_end // step) + 1), atol=1e-9
    )
    expected, _ = solve(domino(weight), [Event(0, amount, 0.0, infusion)], time_min)
    got = np.array(data["ketamine_ng_per_ml"])
    relevant = expected > 1e-6 * expected.max()
    np.testing.assert_allclose(got[relevant], expected[relevant], rtol=1e-6)
    assert data["cmax_ng_per_ml"] == pytest.approx(expected.max(), rel=1e-6)
    assert data["tmax_min"] == time_min[int(np.argmax(expected))]


def test_a_real_process_prints_the_same_numbers(tmp_path):
    args = (
        "simulate",
        "--model",
        "domino-1984",
        "--route",
        "iv",
        "--dose-mg-per-kg",
        "0.5",
        "--weight-kg",
        "70",
        "--infusion-min",
        "40",
        "--t-end-min",
        "120",
        "--step-min",
        "2",
    )
    result = run_pk(*args, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    time_min = np.arange(0.0, 121.0, 2.0)
    expected, _ = solve(domino(70.0), [Event(0, 35.0, 0.0, 40.0)], time_min)
    relevant = expected > 1e-6 * expected.max()
    np.testing.assert_allclose(
        np.array(data["ketamine_ng_per_ml"])[relevant], expected[relevant], rtol=1e-6
    )
