"""The check-in rules are data with sources; the interacting classes are the rule pack's."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from openkap.clinical.athome import (
    CHECKIN_FILE,
    CheckinDataError,
    load_checkin,
    load_checkin_file,
)

# Read here on its own, not through the rule pack's loader, as an independent check.
RULES_FILE = Path(CHECKIN_FILE).parents[1] / "rulepack" / "rules.toml"


def test_every_item_has_a_source_and_clinic_policy_is_unverified():
    for item in load_checkin().items:
        assert item.source.strip(), item.id
        if item.strength == "clinic_policy":
            assert not item.verified, item.id
            assert "[unverified]" in item.sourced


def test_every_substance_names_a_rule_of_the_rule_pack_or_its_own_source():
    with RULES_FILE.open("rb") as handle:
        rules = {rule["id"] for rule in tomllib.load(handle)["rule"]}
    for substance in load_checkin().substances():
        assert substance.rulepack_rule in rules or (
            not substance.rulepack_rule and "clinic policy" in substance.source
        ), substance.id


def test_a_substance_naming_no_rule_is_refused(tmp_path: Path):
    text = CHECKIN_FILE.read_text().replace(
        'rulepack_rule = "opioids"', 'rulepack_rule = "no-such-rule"'
    )
    broken = tmp_path / "checkin.toml"
    broken.write_text(text)
    with pytest.raises(CheckinDataError, match="no-such-rule"):
        load_checkin_file(broken)


def test_a_missing_escalation_delay_is_refused(tmp_path: Path):
    text = CHECKIN_FILE.read_text().replace("missed_checkin_minutes = 30", "")
    broken = tmp_path / "checkin.toml"
    broken.write_text(text)
    with pytest.raises(CheckinDataError, match="missed_checkin_minutes"):
        load_checkin_file(broken)
