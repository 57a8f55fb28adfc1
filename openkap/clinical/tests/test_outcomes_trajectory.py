"""trajectory: baseline, response (>= 50% fall), remission (the instrument's threshold) and relapse
(after a response, two consecutive administrations above the response threshold)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical import instruments, outcomes


def marks(instrument: str, totals: list[int]) -> list[str]:
    path = outcomes.trajectory(instrument, totals)
    return [
        "".join(
            letter
            for letter, on in (
                ("B", p.baseline),
                ("R", p.response),
                ("M", p.remission),
                ("L", p.relapse),
            )
            if on
        )
        for p in path.points
    ]


def test_the_first_score_is_the_baseline_and_a_halving_is_a_response():
    # PHQ-9 baseline 20: 10 is a 50% fall (response), 11 is not; 4 is below 5 (remission).
    assert marks("phq9", [20, 11, 10, 4]) == ["B", "", "R", "RM"]


def test_two_consecutive_scores_above_the_response_threshold_after_a_response_are_a_relapse():
    assert marks("phq9", [20, 8, 15, 16]) == ["B", "R", "", "L"]


def test_one_score_above_the_threshold_between_responses_is_not_a_relapse():
    assert marks("phq9", [20, 8, 15, 9, 16]) == ["B", "R", "", "R", ""]


def test_there_is_no_relapse_without_an_earlier_response():
    assert "L" not in "".join(marks("phq9", [20, 18, 19, 21, 22]))


def test_a_baseline_of_zero_never_gives_a_response():
    assert marks("gad7", [0, 0, 0]) == ["BM", "M", "M"]


def test_it_names_the_baseline_and_the_response_threshold():
    path = outcomes.trajectory("phq9", [15, 3])
    assert path.baseline == 15
    assert path.response_at_most == 7.5


def test_it_rejects_a_total_outside_the_instruments_range():
    with pytest.raises(instruments.AnswerError) as caught:
        outcomes.trajectory("phq9", [10, 28])
    assert caught.value.field == "total"


def test_the_relapse_rule_is_marked_as_unverified_clinic_policy():
    rule = outcomes.schedule().relapse
    assert rule.strength == "clinic policy"
    assert rule.verified is False
    assert rule.consecutive == 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=27), min_size=1, max_size=30))
def test_a_relapse_always_follows_a_response_and_two_scores_above_the_threshold(totals):
    path = outcomes.trajectory("phq9", totals)
    baseline = totals[0]
    for index, point in enumerate(path.points):
        if point.relapse:
            assert index >= 3
            assert all(2 * totals[j] > baseline for j in (index - 1, index))
            assert any(2 * totals[j] <= baseline for j in range(1, index - 1))
        # Independently of the core's thresholds: a response is a fall to half the baseline or less.
        assert point.response == (index > 0 and baseline > 0 and 2 * totals[index] <= baseline)
        assert point.remission == (totals[index] < 5)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=27), st.lists(st.integers(0, 27), max_size=20))
def test_scores_that_stay_responses_never_relapse(baseline, later):
    kept = [min(t, baseline // 2) for t in later]
    path = outcomes.trajectory("phq9", [baseline, *kept])
    assert path.relapses == ()
