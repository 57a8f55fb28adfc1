"""Discharge: one item per check; the patient is ready to go only when every item is met."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.protocols import protocol, protocol_ids
from openkap.clinical.session import (
    DISCHARGE_ITEM_IDS,
    DISCHARGE_STATUSES,
    SESSION_DATA_VERSION,
    SESSION_FILE,
    DischargeInputs,
    SessionRuleError,
    discharge_evaluate,
)

RAW = tomllib.loads(SESSION_FILE.read_text(encoding="utf-8"))
ITEMS = {entry["id"]: entry for entry in RAW["discharge_item"]}
RECENT = ITEMS["vitals"]["within_minutes"]
RESOLVED_SEDATION = ITEMS["sedation"]["resolved_at"]
RESOLVED_DISSOCIATION = ITEMS["dissociation"]["at_most"]
RR_LIMIT = next(e for e in RAW["vital_limit"] if e["measure"] == "respiratory_rate")["below"]
ESKETAMINE = protocol("esketamine-trd")
IV = protocol("iv-racemic-ketamine")
READY = DischargeInputs(
    minutes_since_dose_start=125,
    last_vitals={"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 97},
    minutes_since_last_vitals=4,
    last_sedation=5,
    last_dissociation=0,
    alert_and_oriented=True,
    escort_name="Sam Driver",
    aftercare_given=True,
)


def statuses(inputs: DischargeInputs, item: object = ESKETAMINE) -> dict[str, str]:
    result = discharge_evaluate(item, inputs)  # type: ignore[arg-type]
    return {entry.id: entry.status for entry in result.items}


def test_a_recovered_patient_with_an_escort_and_aftercare_is_ready() -> None:
    result = discharge_evaluate(ESKETAMINE, READY)
    assert result.ready
    assert [item.id for item in result.items] == list(DISCHARGE_ITEM_IDS)
    assert {item.status for item in result.items} == {"met"}
    assert result.version == SESSION_DATA_VERSION
    assert all(item.source and item.label and item.detail for item in result.items)


def test_esketamine_is_not_ready_before_two_hours() -> None:
    result = discharge_evaluate(ESKETAMINE, replace(READY, minutes_since_dose_start=119))
    assert not result.ready
    item = result.item("monitoring_time")
    assert item.status == "not_met"
    assert "120" in item.detail
    assert item.verified  # the 2-hour minimum is the label's


def test_the_iv_minimum_is_the_protocols_and_marked_unverified() -> None:
    assert (
        statuses(replace(READY, minutes_since_dose_start=IV.minimum_monitoring_minutes), IV)[
            "monitoring_time"
        ]
        == "met"
    )
    item = discharge_evaluate(IV, READY).item("monitoring_time")
    assert not item.verified and "unverified" in item.source


def test_old_vitals_are_not_enough() -> None:
    result = discharge_evaluate(ESKETAMINE, replace(READY, minutes_since_last_vitals=RECENT + 1))
    assert result.item("vitals").status == "not_met"
    assert not result.ready
    assert statuses(replace(READY, minutes_since_last_vitals=RECENT))["vitals"] == "met"


def test_vitals_outside_the_alert_limits_keep_the_patient() -> None:
    high = replace(READY, last_vitals={**READY.last_vitals, "systolic": 185})
    item = discharge_evaluate(ESKETAMINE, high).item("vitals")
    assert item.status == "not_met"
    assert "185" in item.detail


def test_a_slow_respiratory_rate_keeps_the_patient() -> None:
    slow = replace(READY, last_vitals={**READY.last_vitals, "respiratory_rate": RR_LIMIT - 1})
    assert statuses(slow)["vitals"] == "not_met"


def test_a_vitals_set_missing_a_measure_the_protocol_needs_is_not_answered() -> None:
    partial = replace(READY, last_vitals={"systolic": 120, "diastolic": 80, "heart_rate": 70})
    item = discharge_evaluate(ESKETAMINE, partial).item("vitals")
    assert item.status == "not_answered"
    assert "spo2" in item.detail


def test_unresolved_sedation_or_dissociation_keeps_the_patient() -> None:
    assert statuses(replace(READY, last_sedation=RESOLVED_SEDATION - 1))["sedation"] == "not_met"
    assert (
        statuses(replace(READY, last_dissociation=RESOLVED_DISSOCIATION + 1))["dissociation"]
        == "not_met"
    )


def test_unanswered_checks_are_not_answered_and_never_ready() -> None:
    empty = DischargeInputs(
        minutes_since_dose_start=None,
        last_vitals={},
        minutes_since_last_vitals=None,
        last_sedation=None,
        last_dissociation=None,
        alert_and_oriented=None,
        escort_name="  ",
        aftercare_given=False,
    )
    result = discharge_evaluate(ESKETAMINE, empty)
    assert not result.ready
    assert {item.id: item.status for item in result.items} == {
        "monitoring_time": "not_answered",
        "vitals": "not_answered",
        "sedation": "not_answered",
        "dissociation": "not_answered",
        "alert_oriented": "not_answered",
        "escort": "not_answered",
        "aftercare": "not_met",
    }


def test_not_oriented_keeps_the_patient() -> None:
    assert statuses(replace(READY, alert_and_oriented=False))["alert_oriented"] == "not_met"


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("last_sedation", {"last_sedation": 6}),
        ("last_dissociation", {"last_dissociation": -1}),
        ("minutes_since_dose_start", {"minutes_since_dose_start": -3}),
        ("minutes_since_last_vitals", {"minutes_since_last_vitals": float("nan")}),
        ("spo2", {"last_vitals": {**READY.last_vitals, "spo2": 140}}),
        ("temperature", {"last_vitals": {**READY.last_vitals, "temperature": 37}}),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(field: str, change: dict[str, object]) -> None:
    with pytest.raises(SessionRuleError, match=f"^{field}"):
        discharge_evaluate(ESKETAMINE, replace(READY, **change))  # type: ignore[arg-type]


# --- Properties -----------------------------------------------------------------------------------

optional_vitals = st.fixed_dictionaries(
    {},
    optional={
        "systolic": st.integers(min_value=90, max_value=200),
        "diastolic": st.integers(min_value=50, max_value=120),
        "heart_rate": st.integers(min_value=40, max_value=140),
        "spo2": st.integers(min_value=85, max_value=100),
        "respiratory_rate": st.integers(min_value=6, max_value=24),
    },
)
inputs = st.builds(
    DischargeInputs,
    minutes_since_dose_start=st.none() | st.floats(min_value=0, max_value=300),
    last_vitals=optional_vitals,
    minutes_since_last_vitals=st.none() | st.floats(min_value=0, max_value=60),
    last_sedation=st.none() | st.integers(min_value=0, max_value=5),
    last_dissociation=st.none() | st.integers(min_value=0, max_value=4),
    alert_and_oriented=st.none() | st.booleans(),
    escort_name=st.sampled_from(["", " ", "Sam Driver"]),
    aftercare_given=st.booleans(),
)
FIELDS = {
    "blood_pressure": ("systolic", "diastolic"),
    "heart_rate": ("heart_rate",),
    "spo2": ("spo2",),
}


def expected_ready(item_id: str, given_inputs: DischargeInputs) -> bool:
    """The discharge rule written out from the data, independently of the implementation."""
    item = protocol(item_id)
    vitals = given_inputs.last_vitals
    limits = [(lim.measure, lim.above, lim.below) for lim in item.alert_limits]
    limits += [(e["measure"], e.get("above"), e.get("below")) for e in RAW["vital_limit"]]
    within_limits = not any(
        measure in vitals
        and (
            (above is not None and vitals[measure] > above)
            or (below is not None and vitals[measure] < below)
        )
        for measure, above, below in limits
    )
    complete = all(f in vitals for m in item.vitals.measures for f in FIELDS[m])
    return (
        given_inputs.minutes_since_dose_start is not None
        and given_inputs.minutes_since_dose_start >= item.minimum_monitoring_minutes
        and given_inputs.minutes_since_last_vitals is not None
        and given_inputs.minutes_since_last_vitals <= RECENT
        and complete
        and within_limits
        and given_inputs.last_sedation is not None
        and given_inputs.last_sedation >= RESOLVED_SEDATION
        and given_inputs.last_dissociation is not None
        and given_inputs.last_dissociation <= RESOLVED_DISSOCIATION
        and given_inputs.alert_and_oriented is True
        and bool(given_inputs.escort_name.strip())
        and given_inputs.aftercare_given
    )


@given(st.sampled_from(protocol_ids()), inputs)
def test_ready_if_and_only_if_every_item_is_met(
    item_id: str, given_inputs: DischargeInputs
) -> None:
    result = discharge_evaluate(protocol(item_id), given_inputs)
    assert [item.id for item in result.items] == list(DISCHARGE_ITEM_IDS)
    assert all(item.status in DISCHARGE_STATUSES for item in result.items)
    assert result.ready == all(item.status == "met" for item in result.items)
    assert result.ready == expected_ready(item_id, given_inputs)
