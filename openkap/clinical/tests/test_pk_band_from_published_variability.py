"""The population band: percentiles over virtual subjects drawn from the published between-subject
variability; None for a model without it; the same seed gives the same band."""

from __future__ import annotations

import numpy as np

from openkap.clinical.pk import (
    Dose,
    pk_model_get,
    pk_population_band,
    pk_sample_etas,
    pk_simulate,
    pk_simulate_subjects,
)

GRID = np.arange(0.0, 241.0, 2.0)
NASAL = [Dose("intranasal_esketamine", 56)]


def test_it_is_none_without_published_variability():
    for model_id in ("domino-1984", "clements-nimmo-1981"):
        band = pk_population_band(
            model=pk_model_get(model_id), doses=[Dose("iv", 35, 0, 40)], weight_kg=70, time_min=GRID
        )
        assert band is None


def test_the_percentiles_are_ordered_and_surround_the_typical_subject():
    model = pk_model_get("perez-ruixo-2021")
    band = pk_population_band(model=model, doses=NASAL, weight_kg=70, time_min=GRID, subjects=2000)
    assert band is not None
    assert band.subjects == 2000 and band.variability_source
    assert np.all(band.p5 <= band.p50) and np.all(band.p50 <= band.p95)
    typical = pk_simulate(model=model, doses=NASAL, weight_kg=70, time_min=GRID)
    peak = int(np.argmax(typical.ketamine_ng_per_ml))
    assert band.p5[peak] < typical.ketamine_ng_per_ml[peak] < band.p95[peak]
    assert band.p95[peak] > 1.2 * band.p5[peak]  # a visible spread


def test_a_seed_gives_the_same_band_and_another_seed_another():
    model = pk_model_get("simons-2022")
    doses = [Dose("sublingual", 50)]
    one, two, other = (
        pk_population_band(
            model=model, doses=doses, weight_kg=70, time_min=GRID, subjects=300, seed=seed
        )
        for seed in (4, 4, 5)
    )
    assert one is not None and two is not None and other is not None
    np.testing.assert_array_equal(one.p50, two.p50)
    assert not np.array_equal(one.p50, other.p50)


def test_the_sampled_log_normal_spread_matches_the_published_cv():
    # Perez-Ruixo Vc: CV 27.5% -> omega^2 = ln(1 + 0.275^2)
    etas = pk_sample_etas(pk_model_get("perez-ruixo-2021"), subjects=200_000, seed=1)
    assert abs(np.var(etas["Vc"]) / np.log1p(0.275**2) - 1) < 0.02
    assert "Vp2" not in etas  # no published variability, not sampled


def test_a_subject_without_random_effects_is_the_typical_subject():
    model = pk_model_get("fanta-2015")
    doses = [Dose("iv", 10, 0, 30)]
    etas = {name: np.zeros(3) for name in pk_sample_etas(model, subjects=3, seed=0)}
    ketamine, norketamine = pk_simulate_subjects(
        model=model, doses=doses, weight_kg=80, time_min=GRID, etas=etas
    )
    typical = pk_simulate(model=model, doses=doses, weight_kg=80, time_min=GRID)
    np.testing.assert_allclose(ketamine[2], typical.ketamine_ng_per_ml, rtol=1e-12)
    assert norketamine is not None
    assert typical.norketamine_ng_per_ml is not None
    np.testing.assert_allclose(norketamine[0], typical.norketamine_ng_per_ml, rtol=1e-12)
