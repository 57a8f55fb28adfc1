"""The REMS form is due within 7 days of the treatment session (clinical.md §1.5)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.rems import rems_due_date


def test_it_is_due_seven_days_after_the_session() -> None:
    assert rems_due_date(date(2026, 11, 21)) == date(2026, 11, 28)


def test_it_runs_over_a_month_and_a_year_end() -> None:
    assert rems_due_date(date(2026, 12, 28)) == date(2027, 1, 4)
    assert rems_due_date(date(2028, 2, 25)) == date(2028, 3, 3)  # 2028 is a leap year


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_it_is_always_a_week_later(day: date) -> None:
    assert rems_due_date(day) - day == timedelta(days=7)
