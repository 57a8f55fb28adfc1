"""The streaming run never materialises the subjects x time matrix: its peak allocation stays far
below the matrix's size and barely grows with the number of time points (measured with
tracemalloc, which NumPy reports its allocations to; no timing)."""

from __future__ import annotations

import tracemalloc

from openkap.clinical.pk_population import Infusion, sample_subjects, simulate_population
from openkap.clinical.tests.pk_population_helpers import MODELS, SPREAD

SUBJECTS = 100_000
DOSES = (Infusion(start_min=0.0, duration_min=40.0, mg_per_kg=0.5),)


def peak_bytes(step_min: float) -> int:
    population = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=SUBJECTS, seed=2)
    tracemalloc.start()
    try:
        simulate_population(
            subjects=population,
            doses=DOSES,
            t_end_min=240.0,
            step_min=step_min,
            threshold_ng_per_ml=100.0,
            threads=2,
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_is_far_below_the_matrix_and_flat_in_time_points() -> None:
    peak_241 = peak_bytes(1.0)  # 241 points
    peak_961 = peak_bytes(0.25)  # 961 points
    matrix_241 = SUBJECTS * 241 * 8
    matrix_961 = SUBJECTS * 961 * 8
    assert peak_241 < 0.5 * matrix_241
    assert peak_961 < 0.15 * matrix_961
    assert peak_961 < 1.25 * peak_241
