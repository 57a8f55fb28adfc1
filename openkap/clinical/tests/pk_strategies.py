"""Hypothesis strategies shared by the PK property tests: a model with one of its routes, and a
dose for that route (esketamine nasal spray in whole 28 mg devices; infusion times on IV only)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from openkap.clinical.pk import Dose, pk_models

GRID = np.arange(0.0, 361.0, 3.0)
MODEL_ROUTES = [(m.id, r) for m in pk_models() for r in m.routes]


@st.composite
def doses(draw, route: str, *, max_start: float = 120.0) -> Dose:
    start = draw(st.floats(0, max_start).map(lambda x: round(x, 2)))
    if route == "intranasal_esketamine":
        return Dose(route, 28.0 * draw(st.integers(1, 3)), start)
    amount = draw(st.floats(1.0, 200.0))
    duration = draw(st.sampled_from([0.0, 1.0, 40.0, 77.7])) if route == "iv" else 0.0
    return Dose(route, amount, start, duration)


model_routes = st.sampled_from(MODEL_ROUTES)
weights = st.floats(40.0, 150.0)
