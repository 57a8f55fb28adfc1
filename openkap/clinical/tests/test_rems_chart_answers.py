"""How the chart answers some of the form's questions: the medication classes, the adverse events
and the blood pressure "at 40 minutes"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.rems import (
    rems_adverse_event_answers,
    rems_bp_at_40,
    rems_medication_answers,
)


def test_a_benzodiazepine_answers_yes_and_the_rest_no() -> None:
    answers = rems_medication_answers([frozenset({"benzodiazepines"}), frozenset({"ssris"})])
    assert answers["med_benzodiazepines"] is True
    assert answers["med_non_benzo_hypnotics"] is False
    assert answers["med_psychostimulants"] is False
    assert answers["med_maois"] is False
    assert answers["med_opioids"] is False


def test_an_unknown_medication_leaves_the_no_answers_to_a_person() -> None:
    answers = rems_medication_answers([frozenset({"maois"}), None])
    assert answers["med_maois"] is True
    assert answers["med_benzodiazepines"] is None
    assert answers["med_opioids"] is None


def test_no_medications_answers_no_everywhere() -> None:
    assert set(rems_medication_answers([]).values()) == {False}


def test_an_awake_patient_with_mild_dissociation() -> None:
    answers = rems_adverse_event_answers([], [("sedation", 5), ("dissociation", 1)])
    assert answers == {
        "ae_sedation": False,
        "ae_dissociation": True,
        "ae_respiratory_depression": False,
    }


def test_a_lethargic_response_is_sedation() -> None:
    assert rems_adverse_event_answers([], [("sedation", 4)])["ae_sedation"] is True


def test_a_charted_side_effect_answers_yes() -> None:
    answers = rems_adverse_event_answers(["respiratory_depression", "nausea"], [])
    assert answers["ae_respiratory_depression"] is True
    assert answers["ae_sedation"] is False


def test_it_takes_the_reading_nearest_40_minutes() -> None:
    readings = [(10.0, 140, 90), (38.0, 152, 94), (55.0, 148, 90)]
    assert rems_bp_at_40(readings) == (152, 94)


def test_it_takes_no_reading_outside_the_window() -> None:
    assert rems_bp_at_40([(5.0, 140, 90), (90.0, 130, 80)]) is None


def test_on_a_tie_the_earlier_reading_wins() -> None:
    assert rems_bp_at_40([(45.0, 150, 95), (35.0, 140, 85)]) == (140, 85)


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=240),
            st.integers(min_value=60, max_value=250),
            st.integers(min_value=30, max_value=150),
        ),
        max_size=12,
    )
)
def test_no_reading_in_the_window_is_nearer_than_the_one_taken(
    readings: list[tuple[float, int, int]],
) -> None:
    picked = rems_bp_at_40(readings)
    in_window = [r for r in readings if abs(r[0] - 40) <= 15]
    if not in_window:
        assert picked is None
        return
    best = min(abs(r[0] - 40) for r in in_window)
    assert picked in {(r[1], r[2]) for r in in_window if abs(r[0] - 40) == best}
