"""Every bundled protocol file loads, validates and says where its values come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from openkap.clinical import protocols
from openkap.clinical.protocols import ProtocolError, protocol, protocol_ids

EXPECTED = {
    "iv-racemic-ketamine",
    "esketamine-trd",
    "esketamine-mdsi",
    "kap-sublingual-in-office",
    "kap-im",
    "kap-sublingual-at-home",
}


def test_it_bundles_the_six_protocols_of_the_issue():
    assert set(protocol_ids()) == EXPECTED


@pytest.mark.parametrize(
    "path", sorted(protocols.PROTOCOL_DIR.glob("*.toml")), ids=lambda p: p.stem
)
def test_each_protocol_file_loads_on_its_own(path: Path):
    loaded = protocols.load_protocol_file(path)
    assert loaded.id == path.stem
    assert loaded.sourced.source
    assert loaded.discharge_criteria
    assert loaded.vitals.before_dose


@pytest.mark.parametrize("protocol_id", sorted(EXPECTED))
def test_every_unverified_part_says_what_to_check(protocol_id: str):
    item = protocol(protocol_id)
    parts = [
        item.sourced,
        item.dose.sourced,
        item.vitals.sourced,
        item.monitoring_sourced,
        item.discharge_sourced,
        item.schedule.sourced,
        item.schedule.integration.sourced,
        item.schedule.maintenance_sourced,
        *(limit.sourced for limit in (*item.predose_limits, *item.alert_limits)),
    ]
    for part in parts:
        assert part.strength in ("label", "consensus", "clinic_policy")
        assert part.source.strip()
        if not part.verified:
            assert part.note.strip()


def test_the_iv_protocol_is_half_a_mg_per_kg_over_40_minutes():
    item = protocol("iv-racemic-ketamine")
    assert (item.route, item.dose.basis, item.dose.default) == ("iv", "mg_per_kg", 0.5)
    assert item.infusion is not None and item.infusion.minutes == 40
    assert item.vitals.every_minutes_during == 10
    assert item.vitals.every_minutes_after == 15


def test_esketamine_is_monitored_two_hours_with_bp_at_40_minutes():
    for protocol_id in ("esketamine-trd", "esketamine-mdsi"):
        item = protocol(protocol_id)
        assert item.minimum_monitoring_minutes >= 120
        assert item.vitals.at_minutes == (40,)
        assert item.vitals.before_discharge
        assert item.dose.range.minimum == 56 and item.dose.range.maximum == 84


def test_the_esketamine_label_bp_gate_is_a_soft_stop_above_140_over_90():
    limits = {limit.measure: limit for limit in protocol("esketamine-trd").predose_limits}
    assert limits["systolic"].above == 140 and limits["systolic"].level == "relative"
    assert limits["diastolic"].above == 90 and limits["diastolic"].level == "relative"
    assert limits["systolic"].sourced.strength == "label"
    assert limits["systolic"].crossed(141) and not limits["systolic"].crossed(140)


def test_clinic_policy_values_are_marked_unverified():
    for protocol_id in EXPECTED:
        for limit in (*protocol(protocol_id).predose_limits, *protocol(protocol_id).alert_limits):
            if limit.sourced.strength == "clinic_policy":
                assert not limit.sourced.verified


def test_an_unknown_protocol_is_refused_with_the_known_ones():
    with pytest.raises(ProtocolError, match="iv-racemic-ketamine"):
        protocol("iv-fast-push")
