"""The check-in rule (pure): it passes only when every item passes; any failing or unanswered item
blocks, naming the item and its reason."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.athome import CheckinAnswers, checkin_evaluate, substance_ids
from openkap.clinical.protocols import protocol

AT_HOME = protocol("kap-sublingual-at-home")
GOOD = CheckinAnswers(
    patient_name="Yusuf Karimi",
    monitor_name="Daniel Karimi",
    monitor_adult=True,
    monitor_typed_name="Daniel Karimi",
    monitor_will_stay=True,
    safe_place=True,
    alcohol_today=False,
    substances_today=(),
    driving_planned=False,
)


def failed(answers: CheckinAnswers) -> set[str]:
    return {item.id for item in checkin_evaluate(answers, protocol=AT_HOME).failed}


def test_it_passes_when_every_answer_is_safe_and_no_reading_is_given():
    result = checkin_evaluate(GOOD, protocol=AT_HOME)
    assert result.outcome == "pass"
    assert {i.status for i in result.items} == {"pass", "not_given"}


def test_it_blocks_without_a_monitor():
    assert failed(replace(GOOD, monitor_name="", monitor_typed_name="")) >= {"monitor_named"}


def test_it_blocks_when_the_monitor_is_the_patient():
    answers = replace(GOOD, monitor_name="yusuf  KARIMI", monitor_typed_name="Yusuf Karimi")
    assert "monitor_named" in failed(answers)


def test_it_blocks_when_the_monitor_typed_another_name():
    assert failed(replace(GOOD, monitor_typed_name="Someone Else")) == {"monitor_confirms"}


def test_it_blocks_when_the_monitor_will_not_stay():
    assert failed(replace(GOOD, monitor_will_stay=False)) == {"monitor_confirms"}


def test_it_blocks_after_alcohol_today():
    result = checkin_evaluate(replace(GOOD, alcohol_today=True), protocol=AT_HOME)
    assert result.outcome == "blocked"
    [item] = result.failed
    assert item.id == "no_alcohol"
    assert "alcohol" in item.reason.lower()


def test_it_blocks_after_an_opioid_and_names_it():
    result = checkin_evaluate(replace(GOOD, substances_today=("opioids",)), protocol=AT_HOME)
    [item] = result.failed
    assert item.id == "no_interacting"
    assert "opioid" in item.reason.lower()


def test_it_blocks_when_driving_is_planned():
    assert failed(replace(GOOD, driving_planned=True)) == {"no_driving"}


def test_it_blocks_a_blood_pressure_above_the_protocols_limit():
    # The at-home protocol's pre-dose limit is systolic above 140 (its TOML): 141 crosses it.
    assert failed(replace(GOOD, systolic=141, diastolic=80)) == {"blood_pressure"}
    assert failed(replace(GOOD, systolic=140, diastolic=90)) == set()


def test_it_blocks_half_a_blood_pressure():
    assert failed(replace(GOOD, systolic=120)) == {"blood_pressure"}


def test_an_unanswered_question_blocks():
    assert failed(replace(GOOD, safe_place=None)) == {"safe_place"}
    assert failed(replace(GOOD, substances_today=None)) == {"no_interacting"}


@given(
    adult=st.booleans(),
    stay=st.booleans(),
    safe=st.booleans(),
    alcohol=st.booleans(),
    driving=st.booleans(),
    taken=st.sets(st.sampled_from(substance_ids())),
    systolic=st.none() | st.integers(80, 220),
    named=st.booleans(),
)
def test_it_passes_exactly_when_every_condition_holds(
    adult, stay, safe, alcohol, driving, taken, systolic, named
):
    answers = replace(
        GOOD,
        monitor_name="Daniel Karimi" if named else "",
        monitor_adult=adult,
        monitor_will_stay=stay,
        safe_place=safe,
        alcohol_today=alcohol,
        driving_planned=driving,
        substances_today=tuple(sorted(taken)),
        systolic=systolic,
        diastolic=None if systolic is None else 70,
    )
    safe_to_dose = (
        named
        and adult
        and stay
        and safe
        and not alcohol
        and not driving
        and not taken
        and (systolic is None or systolic <= 140)
    )
    result = checkin_evaluate(answers, protocol=AT_HOME)
    assert (result.outcome == "pass") == safe_to_dose
    assert (len(result.failed) == 0) == safe_to_dose
