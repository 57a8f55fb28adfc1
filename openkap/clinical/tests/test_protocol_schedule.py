"""plan_schedule lays each protocol's series out as the protocol says, in day order."""

from __future__ import annotations

from itertools import pairwise

import pytest

from openkap.clinical.protocols import PlannedEvent, ProtocolError, plan_schedule, protocol_ids


def kinds(events: tuple[PlannedEvent, ...], kind: str) -> list[PlannedEvent]:
    return [event for event in events if event.kind == kind]


@pytest.mark.parametrize("protocol_id", ["iv-racemic-ketamine", "esketamine-trd", "kap-im"])
def test_events_come_in_day_order(protocol_id: str):
    events = plan_schedule(protocol_id)
    days = [event.day for event in events]
    assert days == sorted(days)
    assert all(event.day >= 0 for event in events)


def test_the_iv_induction_is_6_infusions_within_21_days_each_followed_by_integration():
    events = plan_schedule("iv-racemic-ketamine")
    dosing = kinds(events, "dosing")
    integration = kinds(events, "integration")
    assert [event.dose_number for event in dosing] == [1, 2, 3, 4, 5, 6]
    assert dosing[-1].day - dosing[0].day <= 21
    assert len(integration) == 6
    for dose, after in zip(dosing, integration, strict=True):
        assert after.dose_number == dose.dose_number
        assert 0 < after.day - dose.day <= 3
    nexts = [*[d.day for d in dosing[1:]], None]
    for after, next_day in zip(integration, nexts, strict=True):
        assert next_day is None or after.day <= next_day
    assert kinds(events, "preparation")[0].day <= dosing[0].day
    assert kinds(events, "reassessment")[-1].day > dosing[-1].day


def test_the_esketamine_trd_schedule_follows_the_label():
    dosing = kinds(plan_schedule("esketamine-trd"), "dosing")
    # Day 1 of the label is the plan's day 0: 56 mg.
    assert (dosing[0].day, dosing[0].dose_mg) == (0, 56)
    weeks_1_to_4 = [event for event in dosing if event.day < 28]
    weeks_5_to_8 = [event for event in dosing if 28 <= event.day < 56]
    assert len(weeks_1_to_4) == 8  # twice weekly
    for week in range(4):
        assert len([e for e in weeks_1_to_4 if week * 7 <= e.day < week * 7 + 7]) == 2
    assert len(weeks_5_to_8) == 4  # once weekly
    assert [b.day - a.day for a, b in pairwise(weeks_5_to_8)] == [
        7,
        7,
        7,
    ]
    assert len(dosing) == 12


def test_the_esketamine_trd_induction_ends_with_a_benefit_evaluation():
    events = plan_schedule("esketamine-trd")
    reassessments = kinds(events, "reassessment")
    assert reassessments[0].dose_number == 8
    assert kinds(events, "integration") == []


def test_the_mdsi_schedule_is_84_mg_twice_weekly_for_4_weeks():
    dosing = kinds(plan_schedule("esketamine-mdsi"), "dosing")
    assert len(dosing) == 8
    assert {event.dose_mg for event in dosing} == {84}
    assert dosing[-1].day < 28


def test_fewer_sessions_cut_the_series_short():
    events = plan_schedule("iv-racemic-ketamine", sessions=3)
    assert len(kinds(events, "dosing")) == 3
    assert len(kinds(events, "integration")) == 3
    assert kinds(events, "reassessment")[-1].dose_number == 3


def test_more_sessions_continue_the_last_pattern():
    dosing = kinds(plan_schedule("iv-racemic-ketamine", sessions=8), "dosing")
    assert len(dosing) == 8
    assert [b.day - a.day for a, b in pairwise(dosing)] == [3, 4] * 3 + [3]


def test_at_home_has_a_prescriber_follow_up_after_the_first_dose():
    events = plan_schedule("kap-sublingual-at-home")
    first = kinds(events, "dosing")[0]
    follow_up = [e for e in kinds(events, "reassessment") if e.dose_number == 1]
    assert len(follow_up) == 1 and 1 <= follow_up[0].day - first.day <= 2


@pytest.mark.parametrize("sessions", [0, -1, 13])
def test_it_refuses_a_number_of_sessions_outside_the_protocol(sessions: int):
    with pytest.raises(ProtocolError, match="sessions"):
        plan_schedule("iv-racemic-ketamine", sessions=sessions)


def test_it_refuses_an_unknown_protocol():
    with pytest.raises(ProtocolError, match="unknown protocol"):
        plan_schedule("no-such-protocol")


@pytest.mark.parametrize("protocol_id", protocol_ids())
def test_every_protocol_plans_at_least_one_dose_and_a_review(protocol_id: str):
    events = plan_schedule(protocol_id)
    assert kinds(events, "dosing")
    assert kinds(events, "reassessment")
