"""A seed gives the same subjects and the same results, whatever the number of threads, chunk or
block size; another seed gives other subjects."""

from __future__ import annotations

import numpy as np

from openkap.clinical.pk_population import PopulationResult, sample_subjects, simulate_population
from openkap.clinical.tests.pk_population_helpers import MODELS, REGIMEN, SPREAD


def run(seed: int, threads: int, chunk: int, block: int) -> PopulationResult:
    population = sample_subjects(
        model=MODELS[3], variability=SPREAD, subjects=5_000, seed=seed, threads=threads
    )
    return simulate_population(
        subjects=population,
        doses=REGIMEN,
        t_end_min=240,
        step_min=1,
        threshold_ng_per_ml=100.0,
        threads=threads,
        chunk_subjects=chunk,
        block_columns=block,
    )


def test_a_seed_gives_identical_results_whatever_the_threads_and_chunks() -> None:
    a = run(3, threads=1, chunk=5_000, block=8)
    b = run(3, threads=2, chunk=333, block=17)
    for name in ("v1_l", "k10", "k12", "k13", "k21", "k31", "weight_kg"):
        np.testing.assert_array_equal(getattr(a.subjects, name), getattr(b.subjects, name))
    np.testing.assert_array_equal(a.cmax_ng_per_ml, b.cmax_ng_per_ml)
    np.testing.assert_array_equal(a.tmax_min, b.tmax_min)
    np.testing.assert_allclose(a.minutes_above, b.minutes_above, rtol=0, atol=1e-9)
    for q in a.percentiles:
        np.testing.assert_array_equal(a.percentiles[q], b.percentiles[q])


def test_another_seed_gives_other_subjects() -> None:
    a = run(3, threads=1, chunk=5_000, block=8)
    c = run(4, threads=1, chunk=5_000, block=8)
    assert not np.array_equal(a.subjects.v1_l, c.subjects.v1_l)
    assert not np.array_equal(a.percentiles[50.0], c.percentiles[50.0])


def test_the_variability_has_the_requested_median_and_spread() -> None:
    population = sample_subjects(model=MODELS[3], variability=SPREAD, subjects=200_000, seed=1)
    k10 = population.k10
    assert abs(np.median(k10) / MODELS[3].k10 - 1.0) < 0.01
    # CV of a log-normal with omega^2 = ln(1 + 0.3^2) is 0.3.
    assert abs(np.std(k10) / np.mean(k10) - 0.3) < 0.01
    weight = population.weight_kg
    assert abs(np.median(weight) / 70.0 - 1.0) < 0.01
    assert abs(np.std(weight) / np.mean(weight) - 0.2) < 0.01
    assert abs(np.median(population.v1_l / weight) / 0.063 - 1.0) < 0.01
