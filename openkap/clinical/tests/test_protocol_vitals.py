"""The protocol's vitals schedule and limits, as the session chart reads them."""

from __future__ import annotations

import pytest

from openkap.clinical.protocols import ProtocolError, protocol


def test_iv_vitals_are_due_every_10_minutes_during_and_15_after():
    vitals = protocol("iv-racemic-ketamine").vitals
    # 40 min infusion, watched to 70 min: 0, 10, 20, 30, 40 during; 55, 70 after.
    assert vitals.due_minutes(dosing_minutes=40, until_minutes=70) == (0, 10, 20, 30, 40, 55, 70)


def test_esketamine_vitals_are_due_before_and_at_40_minutes():
    vitals = protocol("esketamine-trd").vitals
    assert vitals.due_minutes(dosing_minutes=0, until_minutes=120) == (0, 40)
    assert vitals.before_discharge


def test_the_esketamine_gate_flags_a_pressure_above_140_over_90():
    item = protocol("esketamine-trd")
    crossed = item.predose_crossed({"systolic": 150, "diastolic": 85, "heart_rate": 70})
    assert [limit.measure for limit in crossed] == ["systolic"]
    assert crossed[0].level == "relative"
    assert item.predose_crossed({"systolic": 140, "diastolic": 90}) == ()


def test_a_low_oxygen_saturation_raises_an_iv_alert():
    crossed = protocol("iv-racemic-ketamine").alerts_crossed({"spo2": 89})
    assert [limit.measure for limit in crossed] == ["spo2"]


def test_an_unknown_measure_is_refused():
    with pytest.raises(ProtocolError, match="temperature"):
        protocol("iv-racemic-ketamine").predose_crossed({"temperature": 37})
