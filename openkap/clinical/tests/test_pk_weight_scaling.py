"""Weight scaling: in Domino every volume is per kg and the rate constants do not depend on weight,
so the same mg/kg dose gives the same curve at any weight, and the same mg dose a curve inversely
proportional to weight. Models without a weight covariate (Perez-Ruixo) ignore the weight."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import Dose, pk_model_get, pk_simulate
from openkap.clinical.tests.pk_strategies import GRID


@settings(max_examples=40, deadline=None)
@given(
    w1=st.floats(40, 150),
    w2=st.floats(40, 150),
    mg_per_kg=st.floats(0.1, 1.0),
    duration=st.sampled_from([0.0, 40.0]),
)
def test_domino_mg_per_kg_gives_the_same_curve_at_any_weight(w1, w2, mg_per_kg, duration):
    model = pk_model_get("domino-1984")
    a = pk_simulate(
        model=model, doses=[Dose("iv", mg_per_kg * w1, 0, duration)], weight_kg=w1, time_min=GRID
    )
    b = pk_simulate(
        model=model, doses=[Dose("iv", mg_per_kg * w2, 0, duration)], weight_kg=w2, time_min=GRID
    )
    np.testing.assert_allclose(a.ketamine_ng_per_ml, b.ketamine_ng_per_ml, rtol=1e-9)
    same_mg = pk_simulate(
        model=model, doses=[Dose("iv", mg_per_kg * w1, 0, duration)], weight_kg=w2, time_min=GRID
    )
    np.testing.assert_allclose(
        same_mg.ketamine_ng_per_ml, a.ketamine_ng_per_ml * w1 / w2, rtol=1e-9
    )


def test_a_model_without_a_weight_covariate_ignores_the_weight():
    model = pk_model_get("perez-ruixo-2021")
    assert model.weight_dependent is False
    light, heavy = (
        pk_simulate(
            model=model, doses=[Dose("intranasal_esketamine", 56)], weight_kg=w, time_min=GRID
        )
        for w in (50, 120)
    )
    np.testing.assert_array_equal(light.ketamine_ng_per_ml, heavy.ketamine_ng_per_ml)


def test_allometric_models_scale_with_weight():
    model = pk_model_get("fanta-2015")
    light, heavy = (
        pk_simulate(model=model, doses=[Dose("iv", 10, 0, 30)], weight_kg=w, time_min=GRID)
        for w in (50, 120)
    )
    assert light.cmax_ng_per_ml > heavy.cmax_ng_per_ml
