"""Concentrations are never negative and never NaN, whatever the doses."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import pk_model_get, pk_simulate
from openkap.clinical.tests.pk_strategies import GRID, doses, model_routes, weights


@settings(max_examples=60, deadline=None)
@given(data=st.data(), model_route=model_routes, weight=weights)
def test_concentrations_are_never_negative(data, model_route, weight):
    model_id, route = model_route
    given_doses = data.draw(st.lists(doses(route, max_start=400), min_size=1, max_size=3))
    prediction = pk_simulate(
        model=pk_model_get(model_id), doses=given_doses, weight_kg=weight, time_min=GRID
    )
    curves = [prediction.ketamine_ng_per_ml]
    if prediction.norketamine_ng_per_ml is not None:
        curves.append(prediction.norketamine_ng_per_ml)
    for curve in curves:
        assert np.all(np.isfinite(curve))
        assert np.all(curve >= 0)
