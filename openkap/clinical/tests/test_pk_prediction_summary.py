"""Cmax, Tmax, minutes above a threshold and minutes until below, checked on curves whose answers
are known by hand (crossings interpolated linearly between grid points)."""

from __future__ import annotations

import numpy as np
import pytest

from openkap.clinical.pk import Prediction, pk_model_get


def _prediction(times: list[float], values: list[float]) -> Prediction:
    return Prediction(
        model=pk_model_get("domino-1984"),
        weight_kg=70,
        doses=(),
        time_min=np.array(times, dtype=float),
        ketamine_ng_per_ml=np.array(values, dtype=float),
        norketamine_ng_per_ml=None,
    )


def test_cmax_and_tmax():
    p = _prediction([0, 10, 20, 30], [0, 200, 150, 50])
    assert (p.cmax_ng_per_ml, p.tmax_min) == (200, 10)


def test_minutes_above_interpolates_the_crossings():
    # 0 -> 200 over 0-10 min crosses 100 at 5; 200 -> 0 over 10-20 crosses 100 at 15.
    p = _prediction([0, 10, 20], [0, 200, 0])
    assert p.minutes_above(100) == pytest.approx(10)
    assert p.minutes_above(250) == 0
    assert p.minutes_above(0) == pytest.approx(20)


def test_minutes_above_adds_separate_episodes():
    p = _prediction([0, 10, 20, 30, 40], [0, 200, 0, 200, 0])
    assert p.minutes_above(100) == pytest.approx(20)


def test_minutes_until_below_from_a_time_in_the_middle():
    p = _prediction([0, 10, 20, 30], [0, 200, 120, 20])
    # 120 -> 20 over 20-30 crosses 100 at 22 min; from 15 min that is 7 minutes.
    assert p.minutes_until_below(100, after_min=15) == pytest.approx(7)


def test_minutes_until_below_is_zero_when_already_below_for_good():
    p = _prediction([0, 10, 20, 30], [0, 200, 50, 20])
    assert p.minutes_until_below(100, after_min=20) == 0


def test_minutes_until_below_waits_for_a_later_rise():
    p = _prediction([0, 10, 20, 30, 40], [0, 200, 50, 200, 0])
    assert p.minutes_until_below(100, after_min=20) == pytest.approx(15)


def test_minutes_until_below_is_none_when_still_above_at_the_end():
    p = _prediction([0, 10, 20], [0, 200, 150])
    assert p.minutes_until_below(100, after_min=0) is None
