"""The percentile curves equal numpy.percentile over a fully materialised population, whatever the
chunk, block and thread settings of the streaming run."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk_population import population_curves, sample_subjects, simulate_population
from openkap.clinical.tests.pk_population_helpers import MODELS, REGIMEN, SPREAD

QS = (5.0, 50.0, 95.0, 0.0, 100.0, 2.5, 33.3)


@pytest.mark.parametrize(
    ("subjects", "chunk", "block", "threads"),
    [(2_001, 300, 7, 2), (2_000, 32_768, 8, 1), (1, 1, 1, 1), (2, 1, 240, 2), (97, 10, 3, 3)],
)
def test_the_percentiles_equal_numpy_percentile(
    subjects: int, chunk: int, block: int, threads: int
) -> None:
    population = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=subjects, seed=4)
    t, curves = population_curves(subjects=population, doses=REGIMEN, t_end_min=240, step_min=1)
    result = simulate_population(
        subjects=population,
        doses=REGIMEN,
        t_end_min=240,
        step_min=1,
        threshold_ng_per_ml=100.0,
        percentiles=QS,
        chunk_subjects=chunk,
        block_columns=block,
        threads=threads,
    )
    np.testing.assert_array_equal(result.time_min, t)
    for q in QS:
        np.testing.assert_array_equal(result.percentiles[q], np.percentile(curves, q, axis=0))


def test_ties_and_identical_subjects_give_numpy_percentiles() -> None:
    population = sample_subjects(model=MODELS[2], variability=SPREAD, subjects=50, seed=1)
    same = population.take(np.zeros(200, dtype=int))  # 200 copies of one subject
    _, curves = population_curves(subjects=same, doses=REGIMEN, t_end_min=60, step_min=2)
    result = simulate_population(
        subjects=same, doses=REGIMEN, t_end_min=60, step_min=2, threshold_ng_per_ml=1.0
    )
    for q in (5.0, 50.0, 95.0):
        np.testing.assert_array_equal(result.percentiles[q], np.percentile(curves, q, axis=0))
        np.testing.assert_array_equal(result.percentiles[q], curves[0])
