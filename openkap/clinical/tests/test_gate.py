"""The dosing gate: one item per check, its level from the data, the outcome the worst item."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.gate import (
    ITEM_STATUSES,
    GateAnswers,
    GateError,
    gate_evaluate,
    gate_outcome,
    load_gate,
    load_gate_file,
)
from openkap.clinical.protocols import protocol
from openkap.clinical.rulepack import load_rule_pack

ALL_CONSENTS = {
    "ketamine_treatment": "current",
    "no_driving": "current",
    "controlled_substance": "current",
    "esketamine_rems": "current",
    "at_home": "current",
}
GOOD = GateAnswers(
    consents=ALL_CONSENTS,
    fasting=True,
    no_alcohol=True,
    escort_name="Sam Driver",
    systolic=120,
    diastolic=75,
    heart_rate=70,
    spo2=98,
    pregnancy="not_pregnant",
    suicide_check_done=True,
    suicide_check_positive=False,
    rems_enrolled=True,
)
ESKETAMINE = protocol("esketamine-trd")
IV = protocol("iv-racemic-ketamine")


def test_it_passes_when_every_item_passes() -> None:
    result = gate_evaluate(ESKETAMINE, GOOD)
    assert result.outcome == "pass"
    assert {item.status for item in result.items} == {"pass"}
    assert all(item.source for item in result.items)


def test_it_asks_about_rems_only_for_esketamine() -> None:
    assert "rems" in {item.id for item in gate_evaluate(ESKETAMINE, GOOD).items}
    assert "rems" not in {item.id for item in gate_evaluate(IV, GOOD).items}


def test_it_hard_stops_an_esketamine_patient_not_enrolled_in_rems() -> None:
    result = gate_evaluate(ESKETAMINE, replace(GOOD, rems_enrolled=False))
    assert result.item("rems").status == "hard_stop"
    assert result.outcome == "hard_stop"


def test_it_requires_the_rems_consent_for_esketamine_only() -> None:
    consents = {**ALL_CONSENTS, "esketamine_rems": "missing"}
    assert gate_evaluate(ESKETAMINE, replace(GOOD, consents=consents)).outcome == "hard_stop"
    assert gate_evaluate(IV, replace(GOOD, consents=consents)).outcome == "pass"


def test_it_does_not_accept_an_outdated_consent() -> None:
    consents = {**ALL_CONSENTS, "no_driving": "outdated"}
    item = gate_evaluate(IV, replace(GOOD, consents=consents)).item("consent")
    assert item.status == "hard_stop"
    assert "no_driving: outdated" in item.detail


def test_it_hard_stops_a_hypertensive_crisis_reading_from_the_rule_pack() -> None:
    threshold = load_rule_pack().rule("hypertensive-crisis-reading").blood_pressure
    assert threshold is not None and threshold.systolic_at_least is not None
    answers = replace(GOOD, systolic=threshold.systolic_at_least)
    item = gate_evaluate(IV, answers).item("vitals")
    assert item.status == "hard_stop"
    assert "ACC/AHA" in item.source


def test_it_soft_stops_a_reading_above_a_relative_protocol_limit() -> None:
    limit = next(x for x in ESKETAMINE.predose_limits if x.measure == "systolic")
    assert limit.above is not None and limit.level == "relative"
    item = gate_evaluate(ESKETAMINE, replace(GOOD, systolic=limit.above + 1)).item("vitals")
    assert item.status == "soft_stop"
    assert "SPRAVATO" in item.source


def test_it_counts_a_vital_not_recorded_as_missing() -> None:
    result = gate_evaluate(IV, replace(GOOD, spo2=None))
    assert result.item("vitals").status == "missing"
    assert result.outcome == "hard_stop"


def test_it_soft_stops_a_positive_suicide_risk_check() -> None:
    result = gate_evaluate(IV, replace(GOOD, suicide_check_positive=True))
    assert result.item("suicide_check").status == "soft_stop"
    assert result.outcome == "soft_stop"


def test_it_counts_no_suicide_check_today_as_missing() -> None:
    item = gate_evaluate(IV, replace(GOOD, suicide_check_done=False)).item("suicide_check")
    assert item.status == "missing"


def test_it_soft_stops_an_interacting_medication_not_held() -> None:
    answers = replace(GOOD, drug_classes=frozenset({"benzodiazepines"}), interacting_held=False)
    item = gate_evaluate(IV, answers).item("medications")
    assert item.status == "soft_stop"
    assert "Benzodiazepines" in item.detail


def test_it_asks_whether_an_interacting_medication_was_held() -> None:
    answers = replace(GOOD, drug_classes=frozenset({"opioids"}))
    assert gate_evaluate(IV, answers).item("medications").status == "missing"
    held = replace(answers, interacting_held=True)
    assert gate_evaluate(IV, held).item("medications").status == "pass"


def test_it_ignores_a_drug_class_the_gate_does_not_list() -> None:
    answers = replace(GOOD, drug_classes=frozenset({"ssris"}))
    assert gate_evaluate(IV, answers).item("medications").status == "pass"


def test_it_takes_the_pregnancy_level_from_the_rule_pack() -> None:
    level = load_rule_pack().rule("pregnancy").level
    expected = {"absolute": "hard_stop", "relative": "soft_stop"}.get(level, "pass")
    item = gate_evaluate(IV, replace(GOOD, pregnancy="pregnant")).item("pregnancy")
    assert item.status == expected


def test_it_needs_a_pregnancy_status_only_where_relevant() -> None:
    assert gate_evaluate(IV, replace(GOOD, pregnancy="")).item("pregnancy").status == "missing"
    irrelevant = replace(GOOD, pregnancy="", pregnancy_relevant=False)
    assert gate_evaluate(IV, irrelevant).item("pregnancy").status == "pass"


def test_it_hard_stops_without_an_escort() -> None:
    assert gate_evaluate(IV, replace(GOOD, escort_name="  ")).item("transport").status == (
        "hard_stop"
    )


def test_every_failing_level_comes_from_the_data() -> None:
    data = load_gate()
    for item_id, answers in (
        ("fasting", replace(GOOD, fasting=False)),
        ("alcohol", replace(GOOD, no_alcohol=False)),
    ):
        item = gate_evaluate(IV, answers).item(item_id)
        expected = "hard_stop" if data.items[item_id].fails == "absolute" else "soft_stop"
        assert item.status == expected


def test_it_refuses_an_unknown_pregnancy_answer() -> None:
    with pytest.raises(GateError, match="pregnancy"):
        gate_evaluate(IV, replace(GOOD, pregnancy="maybe"))


def test_it_refuses_gate_data_with_a_drug_class_the_rule_pack_lacks(tmp_path: Path) -> None:
    from openkap.clinical.gate import GATE_FILE

    text = GATE_FILE.read_text().replace('"maois"]', '"maois", "no-such-class"]')
    path = tmp_path / "gate.toml"
    path.write_text(text)
    with pytest.raises(GateError, match="no-such-class"):
        load_gate_file(path)


def test_it_refuses_gate_data_whose_item_has_no_level(tmp_path: Path) -> None:
    from openkap.clinical.gate import GATE_FILE

    text = GATE_FILE.read_text().replace(
        'fails = "relative"\nmessage = "Fasting', 'message = "Fasting'
    )
    path = tmp_path / "gate.toml"
    path.write_text(text)
    with pytest.raises(GateError, match="fails"):
        load_gate_file(path)


# --- Properties -------------------------------------------------------------------------------------

RANK = {"pass": 0, "soft_stop": 1, "hard_stop": 2}


@given(st.lists(st.sampled_from(ITEM_STATUSES), min_size=1))
def test_the_outcome_is_the_worst_item_and_missing_never_passes(statuses: list[str]) -> None:
    outcome = gate_outcome(tuple(statuses))  # type: ignore[arg-type]
    as_outcome = ["hard_stop" if s in ("missing", "hard_stop") else s for s in statuses]
    assert outcome == max(as_outcome, key=RANK.__getitem__)
    if "missing" in statuses:
        assert outcome == "hard_stop"


optional_bool = st.one_of(st.none(), st.booleans())
reading = st.one_of(st.none(), st.floats(min_value=40, max_value=250, allow_nan=False))


@given(
    fasting=optional_bool,
    no_alcohol=optional_bool,
    escort=st.sampled_from(["", "Sam"]),
    systolic=reading,
    diastolic=reading,
    heart_rate=reading,
    spo2=st.one_of(st.none(), st.floats(min_value=70, max_value=100)),
    pregnancy=st.sampled_from(["", "not_pregnant", "pregnant", "not_applicable"]),
    held=optional_bool,
    suicide=optional_bool,
    rems=optional_bool,
    consent=st.sampled_from(["current", "outdated", "missing"]),
    protocol_id=st.sampled_from(["esketamine-trd", "iv-racemic-ketamine", "kap-im"]),
)
def test_the_evaluated_outcome_is_the_worst_item(
    fasting: bool | None,
    no_alcohol: bool | None,
    escort: str,
    systolic: float | None,
    diastolic: float | None,
    heart_rate: float | None,
    spo2: float | None,
    pregnancy: str,
    held: bool | None,
    suicide: bool | None,
    rems: bool | None,
    consent: str,
    protocol_id: str,
) -> None:
    answers = GateAnswers(
        consents={**ALL_CONSENTS, "no_driving": consent},
        fasting=fasting,
        no_alcohol=no_alcohol,
        escort_name=escort,
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        pregnancy=pregnancy,
        drug_classes=frozenset({"benzodiazepines"}),
        interacting_held=held,
        suicide_check_done=suicide is not None,
        suicide_check_positive=suicide,
        rems_enrolled=rems,
    )
    result = gate_evaluate(protocol(protocol_id), answers)
    statuses = [item.status for item in result.items]
    as_outcome = ["hard_stop" if s in ("missing", "hard_stop") else s for s in statuses]
    assert result.outcome == max(as_outcome, key=RANK.__getitem__)
    if any(s == "missing" for s in statuses):
        assert result.outcome != "pass"
    if None in (fasting, no_alcohol, held, systolic, spo2):
        assert result.outcome != "pass"
