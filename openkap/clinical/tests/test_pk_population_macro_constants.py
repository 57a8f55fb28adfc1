"""The vectorised exponents (closed-form roots of the characteristic polynomial) equal the
eigenvalues of the rate matrix, and the coefficients give the central concentration 1/V1 at the
moment of a bolus, over a wide range of parameters."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk_population import PARAMETERS, Variability, macro_constants, sample_subjects
from openkap.clinical.tests.pk_population_helpers import MODELS


@pytest.mark.parametrize("compartments", [1, 2, 3])
def test_exponents_are_the_rate_matrix_eigenvalues(compartments: int) -> None:
    wide = Variability(cv={name: 1.5 for name in PARAMETERS}, weight_cv=0.5)
    s = sample_subjects(model=MODELS[compartments], variability=wide, subjects=2_000, seed=5)
    lam, coef = macro_constants(s)
    assert lam.shape == coef.shape == (compartments, 2_000)
    for i in range(2_000):
        k10, k12, k13, k21, k31 = (
            float(getattr(s, n)[i]) for n in ("k10", "k12", "k13", "k21", "k31")
        )
        a = np.array([[-(k10 + k12 + k13), k21, k31], [k12, -k21, 0.0], [k13, 0.0, -k31]])
        a = a[:compartments, :compartments]
        expected = np.sort(-np.linalg.eigvals(a).real)[::-1]
        np.testing.assert_allclose(lam[:, i], expected, rtol=1e-9)
    np.testing.assert_allclose(coef.sum(axis=0), 1000.0 / s.v1_l, rtol=1e-9)
    assert (np.diff(lam, axis=0) < 0).all()  # largest first
