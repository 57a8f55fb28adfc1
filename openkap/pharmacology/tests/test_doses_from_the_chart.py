"""The doses a session's chart says were given: the start, pauses, resumes, the end or an early stop.
Worked by hand for a 40 mg infusion planned over 40 min (1 mg/min)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.pk import Dose
from openkap.pharmacology.prediction import DosingEvent, GivenDoses, doses_given


def given_iv(*events: tuple[str, float]) -> GivenDoses:
    return doses_given(
        route="iv",
        dose_mg=40.0,
        infusion_min=40.0,
        events=[DosingEvent(kind, minute) for kind, minute in events],
    )


def amounts(result: GivenDoses) -> list[tuple[float, float, float]]:
    return [
        (round(d.amount_mg, 6), round(d.start_min, 6), round(d.duration_min, 6))
        for d in result.doses
    ]


def test_a_running_infusion_is_expected_to_run_as_planned() -> None:
    result = given_iv(("dose_start", 0))
    assert amounts(result) == [(40.0, 0.0, 40.0)]
    assert result.state == "running"
    assert result.end_min == 40.0
    assert "planned rate" in result.assumption


def test_a_pause_delays_the_rest_of_the_infusion() -> None:
    # 10 min at 1 mg/min, paused 5 min, then the remaining 30 mg over 30 min from minute 15.
    result = given_iv(("dose_start", 0), ("pause", 10), ("resume", 15))
    assert amounts(result) == [(10.0, 0.0, 10.0), (30.0, 15.0, 30.0)]
    assert result.end_min == 45.0


def test_while_paused_only_the_dose_given_so_far_counts() -> None:
    result = given_iv(("dose_start", 0), ("pause", 12))
    assert amounts(result) == [(12.0, 0.0, 12.0)]
    assert result.state == "paused"
    assert result.given_mg == 12.0


def test_a_stop_keeps_only_what_the_planned_rate_delivered() -> None:
    # 10 min + 8 min at 1 mg/min = 18 mg, not the 40 mg confirmed.
    result = given_iv(("dose_start", 0), ("pause", 10), ("resume", 12), ("stop", 20))
    assert amounts(result) == [(10.0, 0.0, 10.0), (8.0, 12.0, 8.0)]
    assert result.state == "stopped"
    assert result.given_mg == 18.0
    assert result.end_min == 20.0


def test_a_stop_while_paused_ends_at_the_pause() -> None:
    result = given_iv(("dose_start", 0), ("pause", 25), ("stop", 30))
    assert amounts(result) == [(25.0, 0.0, 25.0)]
    assert result.end_min == 25.0


def test_a_completed_infusion_gave_the_whole_dose_over_the_time_it_ran() -> None:
    # Ran 10 + 35 = 45 min in all: the 40 mg spread over those 45 minutes.
    result = given_iv(("dose_start", 0), ("pause", 10), ("resume", 15), ("dose_end", 50))
    assert amounts(result) == [
        (round(40 * 10 / 45, 6), 0.0, 10.0),
        (round(40 * 35 / 45, 6), 15.0, 35.0),
    ]
    assert result.state == "complete"
    assert result.assumption == ""


def test_entries_out_of_order_are_ignored() -> None:
    # A resume with no pause, a second start: neither changes the infusion.
    result = given_iv(("dose_start", 0), ("resume", 5), ("dose_start", 8))
    assert amounts(result) == [(40.0, 0.0, 40.0)]


def test_nothing_is_given_before_dosing_starts() -> None:
    assert given_iv().doses == ()


@pytest.mark.parametrize("route", ["im", "sublingual", "intranasal_esketamine"])
def test_a_dose_given_at_once_is_the_whole_dose_at_the_start(route: str) -> None:
    result = doses_given(
        route=route, dose_mg=56.0, infusion_min=None, events=[DosingEvent("dose_start", 0)]
    )
    assert result.doses == (Dose(route=route, amount_mg=56.0, start_min=0.0, duration_min=0.0),)


def test_a_stop_after_a_dose_given_at_once_says_the_curve_assumes_the_whole_dose() -> None:
    result = doses_given(
        route="intranasal_esketamine",
        dose_mg=84.0,
        infusion_min=None,
        events=[DosingEvent("dose_start", 0), DosingEvent("stop", 5)],
    )
    assert result.doses[0].amount_mg == 84.0
    assert result.state == "stopped"
    assert "whole confirmed dose" in result.assumption


minutes = st.floats(min_value=0.1, max_value=30, allow_nan=False)


@given(
    gaps=st.lists(minutes, min_size=1, max_size=8),
    last=st.sampled_from(["pause", "resume", "dose_end", "stop", "none"]),
)
def test_the_doses_never_add_up_to_more_than_the_confirmed_dose(
    gaps: list[float], last: str
) -> None:
    events = [DosingEvent("dose_start", 0.0)]
    minute = 0.0
    for i, gap in enumerate(gaps):
        minute += gap
        events.append(DosingEvent("pause" if i % 2 == 0 else "resume", minute))
    if last != "none":
        events.append(DosingEvent(last, minute + 1))
    result = doses_given(route="iv", dose_mg=40.0, infusion_min=40.0, events=events)
    total = sum(d.amount_mg for d in result.doses)
    assert total <= 40.0 + 1e-9
    assert all(d.amount_mg > 0 and d.duration_min >= 0 for d in result.doses)
    starts = [d.start_min for d in result.doses]
    assert starts == sorted(starts)
