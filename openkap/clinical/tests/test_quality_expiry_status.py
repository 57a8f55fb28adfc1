"""A licence's or registration's status from its expiry date: missing when none or expired, attention
within the warning window, met otherwise."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.quality import Status, expiry_status, worst

TODAY = date(2026, 6, 15)


def test_it_says_missing_when_nothing_is_recorded() -> None:
    assert expiry_status(None, today=TODAY, warning_days=90) == Status.MISSING


def test_it_says_missing_the_day_after_expiry() -> None:
    assert expiry_status(date(2026, 6, 14), today=TODAY, warning_days=90) == Status.MISSING


def test_a_licence_is_valid_through_its_expiry_date() -> None:
    assert expiry_status(TODAY, today=TODAY, warning_days=90) == Status.ATTENTION


def test_it_says_attention_on_the_last_day_of_the_window() -> None:
    assert expiry_status(date(2026, 9, 13), today=TODAY, warning_days=90) == Status.ATTENTION


def test_it_says_met_beyond_the_window() -> None:
    assert expiry_status(date(2026, 9, 14), today=TODAY, warning_days=90) == Status.MET


@given(st.integers(-1000, 1000), st.integers(0, 1000), st.integers(1, 365))
def test_a_later_expiry_is_never_worse(offset: int, extra: int, warning: int) -> None:
    sooner = expiry_status(TODAY + timedelta(days=offset), today=TODAY, warning_days=warning)
    later = expiry_status(TODAY + timedelta(days=offset + extra), today=TODAY, warning_days=warning)
    assert worst([sooner, later]) == sooner


@given(st.integers(-1000, -1), st.integers(1, 365))
def test_every_expired_date_is_missing(offset: int, warning: int) -> None:
    assert (
        expiry_status(TODAY + timedelta(days=offset), today=TODAY, warning_days=warning)
        == Status.MISSING
    )
