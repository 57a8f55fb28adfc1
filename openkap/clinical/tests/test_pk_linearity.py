"""Doubling a dose doubles the predicted curve (the models are linear). The nasal spray is the one
exception by design: a second device in the same dose is absorbed less through the nose
(Perez-Ruixo 2021, FRn x 0.62), so it is checked per device count instead."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import Dose, pk_model_get, pk_simulate
from openkap.clinical.tests.pk_strategies import GRID, doses, model_routes, weights


@settings(max_examples=60, deadline=None)
@given(data=st.data(), model_route=model_routes, weight=weights)
def test_doubling_the_dose_doubles_the_curve(data, model_route, weight):
    model_id, route = model_route
    model = pk_model_get(model_id)
    dose = data.draw(doses(route))
    if route == "intranasal_esketamine":
        dose = Dose(route, 28.0, dose.start_min)
        double = [Dose(route, 28.0, dose.start_min), Dose(route, 28.0, dose.start_min)]
    else:
        double = [Dose(route, dose.amount_mg * 2, dose.start_min, dose.duration_min)]
    one = pk_simulate(model=model, doses=[dose], weight_kg=weight, time_min=GRID)
    two = pk_simulate(model=model, doses=double, weight_kg=weight, time_min=GRID)
    np.testing.assert_allclose(
        two.ketamine_ng_per_ml, 2 * one.ketamine_ng_per_ml, rtol=1e-9, atol=1e-12
    )
    if one.norketamine_ng_per_ml is not None:
        assert two.norketamine_ng_per_ml is not None
        np.testing.assert_allclose(
            two.norketamine_ng_per_ml, 2 * one.norketamine_ng_per_ml, rtol=1e-9, atol=1e-12
        )
