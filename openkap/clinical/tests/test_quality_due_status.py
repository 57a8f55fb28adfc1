"""Something done every N months (a drill, the biennial inventory): missing when never done or
overdue, attention when it falls due soon, met otherwise."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.quality import Status, add_months, due_status, worst

TODAY = date(2026, 6, 15)


def test_adding_a_month_to_the_31st_gives_the_months_last_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_adding_months_crosses_the_year() -> None:
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 2, 15), -3) == date(2025, 11, 15)


def test_it_says_missing_when_never_done() -> None:
    assert due_status(None, today=TODAY, months=6, due_soon_days=30) == Status.MISSING


def test_it_says_missing_when_overdue() -> None:
    # Six months after 2025-12-14 is 2026-06-14: a day late.
    assert due_status(date(2025, 12, 14), today=TODAY, months=6, due_soon_days=30) == Status.MISSING


def test_it_says_attention_on_the_due_day() -> None:
    assert (
        due_status(date(2025, 12, 15), today=TODAY, months=6, due_soon_days=30) == Status.ATTENTION
    )


def test_it_says_met_well_before_it_is_due() -> None:
    assert due_status(date(2026, 5, 1), today=TODAY, months=6, due_soon_days=30) == Status.MET


def test_a_biennial_inventory_of_23_months_ago_is_still_met_with_a_short_warning() -> None:
    assert due_status(date(2024, 7, 20), today=TODAY, months=24, due_soon_days=30) == Status.MET


@given(st.integers(0, 2000), st.integers(0, 2000), st.integers(1, 36), st.integers(0, 120))
def test_a_more_recent_one_is_never_worse(ago: int, older: int, months: int, soon: int) -> None:
    recent = due_status(TODAY - timedelta(days=ago), today=TODAY, months=months, due_soon_days=soon)
    earlier = due_status(
        TODAY - timedelta(days=ago + older), today=TODAY, months=months, due_soon_days=soon
    )
    assert worst([recent, earlier]) == earlier
