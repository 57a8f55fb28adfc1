"""Which long-term checks are due: baseline at the first dose, then every interval after a result."""

from __future__ import annotations

from datetime import date

import pytest

from openkap.clinical.monitoring import CheckDue, MonitoringError, checks_due


def _by_id(rows: tuple[CheckDue, ...]) -> dict[str, CheckDue]:
    return {row.check.id: row for row in rows}


def test_nothing_is_due_before_the_first_dose() -> None:
    assert checks_due(first_dose_on=None, last_done={}, today=date(2026, 5, 1)) == ()


def test_every_check_is_due_as_a_baseline_on_the_first_dose_day() -> None:
    rows = _by_id(checks_due(first_dose_on=date(2026, 5, 1), last_done={}, today=date(2026, 5, 1)))
    for check_id in ("bladder", "liver", "cognition"):
        assert rows[check_id].status == "due"
        assert rows[check_id].baseline
        assert rows[check_id].due_on == date(2026, 5, 1)


def test_a_check_is_next_due_its_interval_after_the_last_result() -> None:
    rows = _by_id(
        checks_due(
            first_dose_on=date(2026, 1, 10),
            last_done={"liver": date(2026, 2, 1)},
            today=date(2026, 2, 2),
            intervals={"liver": 60},
        )
    )
    assert rows["liver"].due_on == date(2026, 4, 2)  # 1 Feb + 60 days
    assert rows["liver"].status == "upcoming"
    assert not rows["liver"].baseline


def test_a_due_check_turns_overdue_after_its_grace_days() -> None:
    # The bladder screen: 30-day default, 7 grace days (monitoring.toml).
    last = {"bladder": date(2026, 1, 1)}
    on_time = _by_id(
        checks_due(first_dose_on=date(2026, 1, 1), last_done=last, today=date(2026, 2, 7))
    )
    late = _by_id(
        checks_due(first_dose_on=date(2026, 1, 1), last_done=last, today=date(2026, 2, 8))
    )
    assert on_time["bladder"].status == "due"  # due 31 Jan, 7 days later
    assert late["bladder"].status == "overdue"
    assert late["bladder"].days_overdue == 1


def test_it_refuses_an_interval_outside_the_limits() -> None:
    with pytest.raises(MonitoringError, match=r"intervals\.liver"):
        checks_due(
            first_dose_on=date(2026, 1, 1),
            last_done={},
            today=date(2026, 1, 1),
            intervals={"liver": 2},
        )


def test_it_refuses_a_result_dated_after_today() -> None:
    with pytest.raises(MonitoringError, match=r"last_done\.cognition"):
        checks_due(
            first_dose_on=date(2026, 1, 1),
            last_done={"cognition": date(2026, 3, 2)},
            today=date(2026, 3, 1),
        )


def test_it_refuses_an_unknown_check() -> None:
    with pytest.raises(MonitoringError, match="unknown check kidney"):
        checks_due(
            first_dose_on=date(2026, 1, 1), last_done={"kidney": None}, today=date(2026, 1, 1)
        )
