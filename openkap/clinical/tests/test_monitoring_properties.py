"""Properties of the monitoring decision rule, over any dates and clinic intervals."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.monitoring import DUE_STATUSES, checks_due, load_monitoring

DATA = load_monitoring()
CHECK_IDS = [check.id for check in DATA.checks]
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
intervals = st.fixed_dictionaries(
    {},
    optional={
        check_id: st.integers(DATA.min_interval_days, DATA.max_interval_days)
        for check_id in CHECK_IDS
    },
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, dict[str, date | None], date]:
    first = draw(days)
    today = draw(st.dates(min_value=first, max_value=first + timedelta(days=1500)))
    last: dict[str, date | None] = {}
    for check_id in CHECK_IDS:
        if draw(st.booleans()):
            last[check_id] = draw(st.dates(min_value=first - timedelta(days=60), max_value=today))
    return first, last, today


@given(histories(), intervals)
def test_a_check_done_today_is_never_due(history, chosen) -> None:
    first, _last, today = history
    done_today = dict.fromkeys(CHECK_IDS, today)
    for row in checks_due(first_dose_on=first, last_done=done_today, today=today, intervals=chosen):
        assert row.status == "upcoming"


@given(histories(), intervals, st.integers(min_value=1, max_value=400))
def test_time_only_moves_a_check_towards_overdue(history, chosen, later) -> None:
    first, last, today = history
    rank = {status: index for index, status in enumerate(DUE_STATUSES)}
    now = checks_due(first_dose_on=first, last_done=last, today=today, intervals=chosen)
    then = checks_due(
        first_dose_on=first, last_done=last, today=today + timedelta(days=later), intervals=chosen
    )
    for a, b in zip(now, then, strict=True):
        assert rank[b.status] >= rank[a.status]
        assert a.due_on == b.due_on


@given(histories(), intervals)
def test_the_due_day_is_the_interval_after_the_last_result_or_the_first_dose(history, chosen):
    first, last, today = history
    for row in checks_due(first_dose_on=first, last_done=last, today=today, intervals=chosen):
        done = last.get(row.check.id)
        interval = chosen.get(row.check.id, row.check.interval_days)
        expected = first if done is None else done + timedelta(days=interval)
        assert row.due_on == expected
        assert row.baseline == (done is None)
        assert (row.status == "upcoming") == (today < row.due_on)


@given(histories(), intervals)
def test_every_check_has_exactly_one_row_once_dosing_started(history, chosen) -> None:
    first, last, today = history
    rows = checks_due(first_dose_on=first, last_done=last, today=today, intervals=chosen)
    assert [row.check.id for row in rows] == CHECK_IDS
    assert checks_due(first_dose_on=None, last_done=last, today=today, intervals=chosen) == ()
