"""questionnaires_due: which instruments for which indication, and when (schedule.toml)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical import outcomes

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_it_gives_the_phq9_for_depression():
    assert outcomes.instruments_for("F33.1") == ("phq9",)


def test_it_adds_the_gad7_for_anxiety_and_keeps_the_phq9():
    assert outcomes.instruments_for("F41.1") == ("phq9", "gad7")


def test_it_adds_the_pcl5_for_ptsd():
    assert outcomes.instruments_for("f43.10") == ("phq9", "pcl5")


def test_it_asks_before_and_the_day_after_each_dosing_session():
    session = START + timedelta(days=2)
    dues = outcomes.questionnaires_due(
        indication_code="F33.1",
        start=START,
        appointments=[outcomes.Visit("dosing", session, id=7)],
    )
    assert [(d.instrument, d.due_at, d.reason, d.appointment_id) for d in dues] == [
        ("phq9", session - timedelta(hours=2), "before_dosing", 7),
        ("phq9", session + timedelta(hours=24), "day_after", 7),
    ]


def test_it_asks_weekly_between_sessions_far_apart():
    first = START + timedelta(hours=1)
    last = START + timedelta(days=21, hours=1)
    dues = outcomes.questionnaires_due(
        indication_code="F33.1",
        start=START,
        appointments=[outcomes.Visit("dosing", first), outcomes.Visit("reassessment", last)],
    )
    weekly = [d.due_at for d in dues if d.reason == "weekly"]
    # Day 7 and day 14 are far from any session; day 21 is the reassessment itself.
    assert weekly == [START + timedelta(days=7), START + timedelta(days=14)]
    assert [d.reason for d in dues if d.due_at == last] == ["reassessment"]


def test_it_ignores_preparation_and_integration_appointments():
    dues = outcomes.questionnaires_due(
        indication_code="F33.1",
        start=START,
        appointments=[
            outcomes.Visit("preparation", START),
            outcomes.Visit("integration", START + timedelta(days=1)),
        ],
    )
    assert dues == ()


visits = st.lists(
    st.builds(
        outcomes.Visit,
        kind=st.sampled_from(["dosing", "reassessment", "integration", "preparation"]),
        starts_at=st.integers(min_value=0, max_value=60 * 24 * 90).map(
            lambda minutes: START + timedelta(minutes=minutes)
        ),
        id=st.integers(min_value=1, max_value=10_000),
    ),
    max_size=25,
)
codes = st.sampled_from(["F33.1", "F32.A", "F41.1", "F43.10", "F43.12", "Z00.0"])


@settings(max_examples=200, deadline=None)
@given(visits, codes)
def test_every_dosing_session_has_a_questionnaire_before_and_after_for_every_instrument(
    appointments, code
):
    dues = outcomes.questionnaires_due(indication_code=code, start=START, appointments=appointments)
    at = {(d.instrument, d.due_at) for d in dues}
    for visit in appointments:
        if visit.kind == "dosing":
            for instrument in outcomes.instruments_for(code):
                assert (instrument, visit.starts_at - timedelta(hours=2)) in at
                assert (instrument, visit.starts_at + timedelta(hours=24)) in at


@settings(max_examples=200, deadline=None)
@given(visits, codes)
def test_it_never_asks_twice_for_one_instrument_at_one_time_and_is_sorted(appointments, code):
    dues = outcomes.questionnaires_due(indication_code=code, start=START, appointments=appointments)
    keys = [(d.instrument, d.due_at) for d in dues]
    assert len(keys) == len(set(keys))
    assert [d.due_at for d in dues] == sorted(d.due_at for d in dues)
    assert {d.instrument for d in dues} <= set(outcomes.instruments_for(code))


@settings(max_examples=200, deadline=None)
@given(visits, codes)
def test_a_weekly_questionnaire_is_never_within_three_days_of_another_of_its_kind(
    appointments, code
):
    dues = outcomes.questionnaires_due(indication_code=code, start=START, appointments=appointments)
    for weekly in (d for d in dues if d.reason == "weekly"):
        others = [d for d in dues if d.instrument == weekly.instrument and d is not weekly]
        assert all(
            abs(o.due_at - weekly.due_at) >= timedelta(days=3)
            for o in others
            if o.reason != "weekly"
        )
        assert weekly.due_at <= max(v.starts_at for v in appointments)
