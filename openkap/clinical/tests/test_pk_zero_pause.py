"""An infusion paused for zero minutes (split in two at any point, same rate) is the same infusion;
a real pause delays the rest and never raises the peak."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import Dose, pk_model_get, pk_models_for_route, pk_simulate
from openkap.clinical.tests.pk_strategies import GRID, weights


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(pk_models_for_route("iv")),
    weight=weights,
    amount=st.floats(5, 100),
    duration=st.floats(2, 100),
    split=st.floats(0.01, 0.99),
)
def test_a_zero_length_pause_changes_nothing(model, weight, amount, duration, split):
    rate = amount / duration
    cut = round(duration * split, 3)
    whole = pk_simulate(
        model=model, doses=[Dose("iv", amount, 0, duration)], weight_kg=weight, time_min=GRID
    )
    parts = pk_simulate(
        model=model,
        doses=[
            Dose("iv", rate * cut, 0, cut),
            Dose("iv", rate * (duration - cut), cut, duration - cut),
        ],
        weight_kg=weight,
        time_min=GRID,
    )
    np.testing.assert_allclose(parts.ketamine_ng_per_ml, whole.ketamine_ng_per_ml, rtol=1e-9)


def test_a_pause_lowers_or_keeps_the_peak_and_delays_the_end():
    model = pk_model_get("domino-1984")
    whole = pk_simulate(model=model, doses=[Dose("iv", 35, 0, 40)], weight_kg=70, time_min=GRID)
    paused = pk_simulate(
        model=model,
        doses=[Dose("iv", 17.5, 0, 20), Dose("iv", 17.5, 35, 20)],
        weight_kg=70,
        time_min=GRID,
    )
    assert paused.cmax_ng_per_ml <= whole.cmax_ng_per_ml
    assert paused.tmax_min == 54.0  # the end of the second half (GRID step 3 min: 54 is on it)
