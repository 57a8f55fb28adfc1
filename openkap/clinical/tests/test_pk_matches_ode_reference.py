"""The engine's closed-form solution agrees with a numerical ODE solution (SciPy solve_ivp, LSODA,
rtol 1e-11) of the same published model, written out independently by hand in pk_ode_reference.py,
within 1e-6 relative wherever the concentration is not negligible: every model and route, several
doses and weights, boluses, infusions, pauses (an infusion split in two) and repeated doses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import Dose, pk_model_get, pk_simulate
from openkap.clinical.tests.pk_ode_reference import reference, reference_events, solve

RELATIVE = 1e-6
NEGLIGIBLE = 1e-6  # of the peak

CASES = [
    ("domino-1984", 70, [("iv", 35, 0, 40)]),
    ("domino-1984", 50, [("iv", 25, 0, 40)]),
    ("domino-1984", 120, [("iv", 60, 0, 0)]),
    ("domino-1984", 82.5, [("iv", 20, 0, 20), ("iv", 21.25, 35, 20)]),  # paused 15 min
    ("domino-1984", 64, [("iv", 10, 0, 0), ("iv", 20, 5, 30), ("iv", 10, 90, 0)]),
    ("domino-1984", 70, [("iv", 35, 0, 100)]),
    ("domino-1984", 45, [("iv", 10, 10, 2), ("iv", 10, 10, 40)]),  # overlapping infusions
    ("clements-nimmo-1981", 70, [("iv", 17.5, 0, 0)]),
    ("clements-nimmo-1981", 95, [("iv", 47.5, 0, 40), ("iv", 10, 200, 0)]),
    ("fanta-2015", 70, [("iv", 8.75, 0, 0)]),
    ("fanta-2015", 110, [("iv", 20, 0, 30), ("iv", 20, 45, 30)]),
    ("fanta-2015", 52, [("iv", 13, 0, 40)]),
    ("perez-ruixo-2021", 70, [("intranasal_esketamine", 28, 0, 0)]),
    ("perez-ruixo-2021", 70, [("intranasal_esketamine", 56, 0, 0)]),
    ("perez-ruixo-2021", 70, [("intranasal_esketamine", 84, 0, 0)]),
    (
        "perez-ruixo-2021",
        70,
        [("intranasal_esketamine", 56, 0, 0), ("intranasal_esketamine", 28, 240, 0)],
    ),
    ("perez-ruixo-2021", 70, [("oral", 84, 0, 0)]),
    ("perez-ruixo-2021", 70, [("iv", 28, 0, 40), ("oral", 84, 100, 0)]),
    ("simons-2022", 70, [("sublingual", 50, 0, 0)]),
    ("simons-2022", 93, [("sublingual", 100, 0, 0), ("iv", 20, 360, 20)]),
    ("simons-2022", 53, [("iv", 20, 0, 20), ("sublingual", 50, 30, 0)]),
]


def _compare(
    model_id: str, weight: float, doses: list[tuple[str, float, float, float]], time_min: Any
) -> None:
    prediction = pk_simulate(
        model=pk_model_get(model_id),
        doses=[Dose(*d) for d in doses],
        weight_kg=weight,
        time_min=time_min,
    )
    ketamine, norketamine = solve(
        reference(model_id, weight), reference_events(model_id, doses), time_min
    )
    pairs = [(prediction.ketamine_ng_per_ml, ketamine)]
    if norketamine is not None:
        assert prediction.norketamine_ng_per_ml is not None
        pairs.append((prediction.norketamine_ng_per_ml, norketamine))
    else:
        assert prediction.norketamine_ng_per_ml is None
    for engine, ode in pairs:
        relevant = ode > NEGLIGIBLE * ode.max()
        assert relevant.sum() >= 10  # the comparison is never vacuous
        np.testing.assert_allclose(engine[relevant], ode[relevant], rtol=RELATIVE, atol=0)


@pytest.mark.parametrize(("model_id", "weight", "doses"), CASES)
def test_it_agrees_with_the_ode_solution(model_id, weight, doses):
    _compare(model_id, weight, doses, np.arange(0.0, 481.0, 1.0))


def test_it_agrees_on_an_irregular_grid_that_misses_the_events():
    grid = np.sort(np.random.default_rng(7).uniform(0.3, 300, 157))
    _compare("domino-1984", 77, [("iv", 30, 0.7, 33.3), ("iv", 5, 41.1, 0)], grid)


@settings(max_examples=25, deadline=None)
@given(
    weight=st.floats(40, 150),
    doses=st.lists(
        st.tuples(
            st.just("iv"),
            st.floats(1, 100),
            st.floats(0, 200).map(lambda x: round(x, 1)),
            st.sampled_from([0.0, 2.0, 15.0, 40.0, 61.5]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_it_agrees_with_the_ode_on_random_iv_event_tables(weight, doses):
    _compare("domino-1984", weight, doses, np.arange(0.0, 301.0, 2.5))
