"""Response (a fall of at least 50% from baseline) and remission (PHQ-9 < 5, GAD-7 < 5,
QIDS-SR16 ≤ 5, MADRS ≤ 10, PCL-5 < 33)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from openkap.clinical.instruments import AnswerError, instrument, is_remission, is_response


@pytest.mark.parametrize(
    ("instrument_id", "remitted", "not_remitted"),
    [("phq9", 4, 5), ("gad7", 4, 5), ("qids-sr16", 5, 6), ("madrs", 10, 11), ("pcl5", 32, 33)],
)
def test_remission_thresholds(instrument_id, remitted, not_remitted):
    assert is_remission(instrument_id, total=remitted) is True
    assert is_remission(instrument_id, total=not_remitted) is False


@pytest.mark.parametrize(
    ("baseline", "current", "response"),
    [(20, 10, True), (20, 11, False), (21, 10, True), (21, 11, False), (1, 0, True), (3, 2, False)],
)
def test_response_is_current_at_most_half_of_baseline(baseline, current, response):
    assert is_response("phq9", baseline=baseline, current=current) is response


def test_a_baseline_of_zero_is_never_a_response():
    assert is_response("gad7", baseline=0, current=0) is False


def test_a_rise_is_not_a_response():
    assert is_response("madrs", baseline=20, current=30) is False


def test_every_scored_outcome_instrument_has_a_50_percent_response_fraction():
    for instrument_id in ("phq9", "gad7", "pcl5", "qids-sr16", "madrs"):
        assert instrument(instrument_id).response_fraction == Fraction(1, 2)


def test_a_total_outside_the_range_is_refused():
    with pytest.raises(AnswerError, match=r"baseline: PHQ-9 total must be 0-27, got 28"):
        is_response("phq9", baseline=28, current=1)
    with pytest.raises(AnswerError, match=r"total: GAD-7 total must be 0-21, got -1"):
        is_remission("gad7", total=-1)


def test_instruments_without_thresholds_say_so():
    with pytest.raises(AnswerError, match="MOAA/S has no remission threshold"):
        is_remission("moaas", total=3)
    with pytest.raises(AnswerError, match="ASQ has no response threshold"):
        is_response("asq", baseline=2, current=0)
