"""Timed vitals: each due point of the protocol's schedule is done, due, overdue or upcoming."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.protocols import protocol, protocol_ids
from openkap.clinical.session import (
    DUE_STATUSES,
    SESSION_FILE,
    SessionRuleError,
    VitalDue,
    vitals_due,
)

TIMING = tomllib.loads(SESSION_FILE.read_text(encoding="utf-8"))["vitals_timing"]
BEFORE = TIMING["window_before_minutes"]
AFTER = TIMING["window_after_minutes"]
GRACE = TIMING["grace_minutes"]
PREDOSE = TIMING["predose_window_minutes"]
IV = protocol("iv-racemic-ketamine")
ESKETAMINE = protocol("esketamine-trd")


def by_minute(points: tuple[VitalDue, ...]) -> dict[int, VitalDue]:
    return {point.minute: point for point in points}


def iv_due(elapsed: float, taken: list[float]) -> dict[int, VitalDue]:
    return by_minute(
        vitals_due(
            IV, dosing_minutes=40, elapsed_minutes=elapsed, taken_minutes=taken, until_minutes=70
        )
    )


def test_iv_points_follow_the_protocol_schedule_and_end_before_discharge() -> None:
    points = vitals_due(
        IV, dosing_minutes=40, elapsed_minutes=0, taken_minutes=[], until_minutes=70
    )
    assert [p.minute for p in points] == [0, 10, 20, 30, 40, 55, 70]
    assert points[0].label == "Before dosing"
    assert "during dosing" in points[1].label
    assert "before discharge" in points[-1].label


def test_esketamine_adds_the_set_before_discharge_at_the_end_of_monitoring() -> None:
    points = vitals_due(
        ESKETAMINE, dosing_minutes=0, elapsed_minutes=0, taken_minutes=[], until_minutes=120
    )
    assert [p.minute for p in points] == [0, 40, 120]
    assert "before discharge" in points[-1].label.lower()


def test_sets_taken_on_time_make_their_points_done() -> None:
    points = iv_due(45, [-15, 10, 20, 30, 40])
    assert [points[m].status for m in (0, 10, 20, 30, 40)] == ["done"] * 5
    assert points[0].taken_minute == -15
    assert points[55].status == "upcoming"


def test_a_set_a_little_late_still_counts() -> None:
    points = iv_due(13, [-5, 10 + AFTER])
    assert points[10].status == "done"
    assert points[10].taken_minute == 10 + AFTER


def test_a_set_too_late_does_not_count_and_the_point_goes_overdue() -> None:
    points = iv_due(10 + GRACE + 1, [-5, 10 + AFTER + 0.5])
    assert points[10].status == "overdue"


def test_the_esketamine_40_minute_pressure_is_due_then_overdue() -> None:
    def status(elapsed: float) -> str:
        points = vitals_due(
            ESKETAMINE,
            dosing_minutes=0,
            elapsed_minutes=elapsed,
            taken_minutes=[-10],
            until_minutes=120,
        )
        return by_minute(points)[40].status

    assert status(40 - BEFORE - 1) == "upcoming"
    assert status(40 - BEFORE) == "due"
    assert status(40 + GRACE) == "due"
    assert status(40 + GRACE + 1) == "overdue"


def test_the_pre_dose_set_counts_within_its_window_before_dosing() -> None:
    assert iv_due(0, [-PREDOSE])[0].status == "done"
    assert iv_due(0, [-PREDOSE - 1])[0].status == "due"


def test_one_set_never_counts_for_two_points() -> None:
    # 15 lies in the windows of both 10 and 20 (5-minute windows).
    points = iv_due(26, [-5, 15])
    done = [m for m in (10, 20) if points[m].status == "done"]
    assert len(done) == 1


def test_until_minutes_shorter_than_the_minimum_monitoring_is_refused() -> None:
    with pytest.raises(SessionRuleError, match=r"^until_minutes: .*minimum monitoring"):
        vitals_due(
            ESKETAMINE, dosing_minutes=0, elapsed_minutes=0, taken_minutes=[], until_minutes=90
        )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("dosing_minutes", {"dosing_minutes": -1}),
        ("elapsed_minutes", {"elapsed_minutes": float("nan")}),
        ("taken_minutes", {"taken_minutes": [10, float("inf")]}),
    ],
)
def test_bad_minutes_are_refused_naming_the_field(field: str, kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "dosing_minutes": 40,
        "elapsed_minutes": 10,
        "taken_minutes": [],
        "until_minutes": 70,
        **kwargs,
    }
    with pytest.raises(SessionRuleError, match=f"^{field}"):
        vitals_due(IV, **arguments)  # type: ignore[arg-type]


# --- Properties -----------------------------------------------------------------------------------

RANK = {"upcoming": 0, "due": 1, "overdue": 2}
protocols = st.sampled_from(protocol_ids()).map(protocol)
dosing = st.sampled_from([0, 5, 40]) | st.floats(min_value=0, max_value=100)
minutes = st.floats(min_value=-90, max_value=300, allow_nan=False)


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, object]:
    item = draw(protocols)
    dose = draw(dosing)
    until = draw(st.floats(min_value=item.minimum_monitoring_minutes, max_value=240))
    return {"protocol": item, "dosing_minutes": dose, "until_minutes": until}


def run(schedule: dict[str, object], elapsed: float, taken: list[float]) -> tuple[VitalDue, ...]:
    return vitals_due(
        schedule["protocol"],  # type: ignore[arg-type]
        dosing_minutes=schedule["dosing_minutes"],  # type: ignore[arg-type]
        elapsed_minutes=elapsed,
        taken_minutes=taken,
        until_minutes=schedule["until_minutes"],  # type: ignore[arg-type]
    )


@given(schedules(), minutes, st.lists(minutes, max_size=12))
def test_every_due_point_has_exactly_one_known_status(
    schedule: dict[str, object], elapsed: float, taken: list[float]
) -> None:
    points = run(schedule, elapsed, taken)
    item = schedule["protocol"]
    expected = set(
        item.vitals.due_minutes(  # type: ignore[attr-defined]
            dosing_minutes=schedule["dosing_minutes"], until_minutes=schedule["until_minutes"]
        )
    )
    assert expected <= {point.minute for point in points}
    assert [point.minute for point in points] == sorted({point.minute for point in points})
    for point in points:
        assert point.status in DUE_STATUSES
        assert (point.status == "done") == (point.taken_minute is not None)


@given(schedules(), minutes, st.data())
def test_a_set_taken_exactly_at_a_due_point_makes_it_done(
    schedule: dict[str, object], elapsed: float, data: st.DataObject
) -> None:
    all_points = [point.minute for point in run(schedule, elapsed, [])]
    chosen = data.draw(st.lists(st.sampled_from(all_points), unique=True))
    noise = data.draw(st.lists(minutes, max_size=6))
    points = by_minute(run(schedule, elapsed, [float(m) for m in chosen] + noise))
    for minute in chosen:
        assert points[minute].status == "done"
        assert points[minute].taken_minute == minute


@given(schedules(), st.lists(minutes, max_size=10))
def test_each_taken_set_counts_for_at_most_one_point_inside_its_window(
    schedule: dict[str, object], taken: list[float]
) -> None:
    points = run(schedule, 0, taken)
    used = [point.taken_minute for point in points if point.taken_minute is not None]
    remaining = list(taken)
    for value in used:
        assert value in remaining  # a set is used at most as many times as it was taken
        remaining.remove(value)
    for point in points:
        if point.taken_minute is not None:
            assert point.window_start <= point.taken_minute <= point.window_end
        else:  # a point left undone had no unused set inside its window
            assert not [v for v in remaining if point.window_start <= v <= point.window_end]


@given(schedules(), st.lists(minutes, max_size=8), minutes, minutes)
def test_statuses_move_from_upcoming_to_due_to_overdue_as_time_passes(
    schedule: dict[str, object], taken: list[float], first: float, second: float
) -> None:
    earlier, later = sorted((first, second))
    before = run(schedule, earlier, taken)
    after = run(schedule, later, taken)
    for old, new in zip(before, after, strict=True):
        assert old.minute == new.minute
        if old.status == "done" or new.status == "done":
            assert old.status == new.status == "done"
        else:
            assert RANK[old.status] <= RANK[new.status]


def test_a_recent_set_counts_for_the_set_before_discharge() -> None:
    recent = tomllib.loads(SESSION_FILE.read_text(encoding="utf-8"))["discharge_item"][1]
    assert recent["id"] == "vitals"
    taken = [-10, 40, 130 - recent["within_minutes"]]
    points = vitals_due(
        ESKETAMINE, dosing_minutes=0, elapsed_minutes=130, taken_minutes=taken, until_minutes=130
    )
    assert points[-1].minute == 130
    assert points[-1].status == "done"
    late = vitals_due(
        ESKETAMINE,
        dosing_minutes=0,
        elapsed_minutes=130,
        taken_minutes=[-10, 40, 129 - recent["within_minutes"]],
        until_minutes=130,
    )
    assert late[-1].status == "due"
