"""Per-subject Cmax, Tmax and minutes above the threshold equal a brute-force computation over the
materialised curves: several crossings (two infusions and a pause), a start above the threshold,
a threshold never reached and a threshold of zero."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk_population import population_curves, sample_subjects, simulate_population
from openkap.clinical.tests.pk_population_helpers import MODELS, REGIMEN, SPREAD, brute_statistics


@pytest.mark.parametrize("threshold", [0.0, 40.0, 100.0, 180.0, 1e6])
@pytest.mark.parametrize("compartments", [1, 3])
def test_statistics_equal_brute_force(compartments: int, threshold: float) -> None:
    population = sample_subjects(
        model=MODELS[compartments], variability=SPREAD, subjects=400, seed=11
    )
    t, curves = population_curves(subjects=population, doses=REGIMEN, t_end_min=240, step_min=1)
    result = simulate_population(
        subjects=population,
        doses=REGIMEN,
        t_end_min=240,
        step_min=1,
        threshold_ng_per_ml=threshold,
        chunk_subjects=64,
        block_columns=5,
    )
    expected = np.array([brute_statistics(t, c, threshold) for c in curves])
    np.testing.assert_array_equal(result.cmax_ng_per_ml, expected[:, 0])
    np.testing.assert_array_equal(result.tmax_min, expected[:, 1])
    np.testing.assert_allclose(result.minutes_above, expected[:, 2], rtol=1e-12, atol=1e-9)
    if threshold == 0.0:
        np.testing.assert_allclose(result.minutes_above, 240.0)
    if threshold == 1e6:
        assert not result.minutes_above.any()


def test_the_regimen_makes_several_crossings_for_some_subjects() -> None:
    # Guard for the test above: the threshold 40 ng/mL is crossed more than twice by someone.
    population = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=400, seed=11)
    _, curves = population_curves(subjects=population, doses=REGIMEN, t_end_min=240, step_min=1)
    crossings = np.count_nonzero(np.diff(curves > 40.0, axis=1), axis=1)
    assert crossings.max() >= 3
    assert (curves[:, 0] > 40.0).any()  # the bolus at 0 starts some subjects above
