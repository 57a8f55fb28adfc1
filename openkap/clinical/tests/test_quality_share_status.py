"""A share's status: met from `met_at`, attention from `attention_at`, missing below; nothing to
measure is not applicable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.quality import Status, share_status, worst


def test_it_says_met_exactly_at_the_threshold() -> None:
    assert share_status(9, 10, met_at=0.9, attention_at=0.75) == Status.MET


def test_it_says_attention_just_below_the_threshold() -> None:
    assert share_status(89, 100, met_at=0.9, attention_at=0.75) == Status.ATTENTION


def test_it_says_missing_below_the_attention_band() -> None:
    assert share_status(7, 10, met_at=0.9, attention_at=0.75) == Status.MISSING


def test_it_requires_every_patient_when_met_at_is_one() -> None:
    assert share_status(999, 1000, met_at=1.0, attention_at=0.95) == Status.ATTENTION
    assert share_status(1000, 1000, met_at=1.0, attention_at=0.95) == Status.MET


def test_it_says_not_applicable_with_nothing_to_measure() -> None:
    assert share_status(0, 0, met_at=0.9, attention_at=0.75) == Status.NOT_APPLICABLE


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 3), (4, 3), (0, -1)])
def test_it_rejects_an_impossible_share(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError, match="share"):
        share_status(numerator, denominator, met_at=0.9, attention_at=0.75)


thresholds = st.tuples(
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
).map(sorted)


@given(st.integers(1, 500), st.data(), thresholds)
def test_more_done_is_never_worse(
    denominator: int, data: st.DataObject, bands: list[float]
) -> None:
    attention_at, met_at = bands
    low = data.draw(st.integers(0, denominator))
    high = data.draw(st.integers(low, denominator))
    lower = share_status(low, denominator, met_at=met_at, attention_at=attention_at)
    higher = share_status(high, denominator, met_at=met_at, attention_at=attention_at)
    assert worst([lower, higher]) == lower


@given(st.integers(1, 500), st.data(), thresholds)
def test_the_status_agrees_with_the_fraction(
    denominator: int, data: st.DataObject, bands: list[float]
) -> None:
    attention_at, met_at = bands
    numerator = data.draw(st.integers(0, denominator))
    status = share_status(numerator, denominator, met_at=met_at, attention_at=attention_at)
    fraction = numerator / denominator
    if fraction >= met_at + 1e-9:
        assert status == Status.MET
    elif fraction < attention_at - 1e-9:
        assert status == Status.MISSING
    else:
        assert status in (Status.MET, Status.ATTENTION, Status.MISSING)
        if status == Status.ATTENTION:
            assert fraction < met_at + 1e-9
