"""Two doses give the sum of each dose's curve (superposition), on every model and route."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.pk import pk_model_get, pk_simulate
from openkap.clinical.tests.pk_strategies import GRID, MODEL_ROUTES, doses, weights


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    model_id=st.sampled_from(sorted({m for m, _ in MODEL_ROUTES})),
    weight=weights,
)
def test_two_doses_are_the_sum_of_each(data, model_id, weight):
    model = pk_model_get(model_id)
    first = data.draw(doses(data.draw(st.sampled_from(model.routes))))
    second = data.draw(doses(data.draw(st.sampled_from(model.routes)), max_start=300))
    a = pk_simulate(model=model, doses=[first], weight_kg=weight, time_min=GRID)
    b = pk_simulate(model=model, doses=[second], weight_kg=weight, time_min=GRID)
    both = pk_simulate(model=model, doses=[first, second], weight_kg=weight, time_min=GRID)
    scale = max(both.cmax_ng_per_ml, 1e-300)
    np.testing.assert_allclose(
        both.ketamine_ng_per_ml,
        a.ketamine_ng_per_ml + b.ketamine_ng_per_ml,
        rtol=1e-9,
        atol=1e-12 * scale,
    )
    if both.norketamine_ng_per_ml is not None:
        assert a.norketamine_ng_per_ml is not None and b.norketamine_ng_per_ml is not None
        np.testing.assert_allclose(
            both.norketamine_ng_per_ml,
            a.norketamine_ng_per_ml + b.norketamine_ng_per_ml,
            rtol=1e-9,
            atol=1e-12 * max(both.norketamine_ng_per_ml.max(), 1e-300),
        )
