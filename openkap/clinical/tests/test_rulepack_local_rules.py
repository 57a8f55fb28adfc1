"""A clinic's local rules: add rules and raise levels, never lower one (a clinic may tighten, never
loosen), and the overlaid pack's version says that local rules were applied."""

from __future__ import annotations

import pytest

from openkap.clinical.rulepack import (
    LocalRulesError,
    RulePack,
    load_rule_pack,
    parse_local_rules,
)

from .engine_helpers import rules_of, screen_with

LOCAL_TOML = """
name = "Riverside clinic"

[[rule]]
id = "local-no-ocd-at-home"
level = "relative"
codes = ["F42"]
settings = ["at_home"]
message = "Clinic policy: OCD patients are treated in the clinic only."
source = "Riverside clinic SOP 12, 2026"

[[raise]]
rule = "bipolar-disorder"
level = "relative"
reason = "Clinic policy: psychiatrist review for every patient with bipolar disorder"
"""


def local_pack() -> RulePack:
    return load_rule_pack().with_local_rules(parse_local_rules(LOCAL_TOML))


def test_it_raises_a_level():
    pack = local_pack()
    assert pack.rule("bipolar-disorder").level == "relative"
    decision = screen_with(pack, conditions=["F31.81"])
    assert decision.decision == "needs_review"
    finding = next(f for f in decision.findings if f.rule == "bipolar-disorder")
    assert "raised from caution to relative" in finding.note
    assert "psychiatrist review" in finding.note


def test_it_adds_a_rule():
    pack = local_pack()
    decision = screen_with(pack, conditions=["F42.2"], setting="at_home")
    assert rules_of(decision)["local-no-ocd-at-home"] == "relative"
    finding = next(f for f in decision.findings if f.rule == "local-no-ocd-at-home")
    assert finding.strength == "clinic_policy"
    assert finding.source == "Riverside clinic SOP 12, 2026"


def test_the_added_rule_keeps_its_filters():
    decision = screen_with(local_pack(), conditions=["F42.2"], setting="in_office")
    assert "local-no-ocd-at-home" not in rules_of(decision)


def test_the_version_names_the_local_rules():
    base = load_rule_pack()
    pack = local_pack()
    assert pack.version.startswith(f"{base.version}+local.")
    assert pack.version == local_pack().version
    other = base.with_local_rules(
        {"raise": [{"rule": "maois", "level": "relative", "reason": "x"}]}
    )
    assert other.version != pack.version
    assert screen_with(pack).rule_pack == pack.version


def test_the_bundled_pack_is_left_unchanged():
    local_pack()
    assert load_rule_pack().rule("bipolar-disorder").level == "caution"


@pytest.mark.parametrize(
    ("rule", "lower"),
    [
        ("hypersensitivity-ketamine", "relative"),
        ("aneurysmal-vascular-disease", "info"),
        ("blood-pressure-above-140-90", "caution"),
        ("bipolar-disorder", "info"),
    ],
)
def test_it_refuses_to_lower_a_level(rule, lower):
    with pytest.raises(LocalRulesError) as error:
        load_rule_pack().with_local_rules(
            {"raise": [{"rule": rule, "level": lower, "reason": "we disagree"}]}
        )
    assert rule in str(error.value)
    assert "never looser" in str(error.value)


def test_it_refuses_a_new_rule_with_an_existing_id():
    rule = {
        "id": "hypersensitivity-ketamine",
        "level": "info",
        "allergies": ["ketamine"],
        "message": "Softer wording for the hard stop.",
        "source": "Clinic SOP",
    }
    with pytest.raises(LocalRulesError, match="already has rule 'hypersensitivity-ketamine'"):
        load_rule_pack().with_local_rules({"rule": [rule]})


def test_it_refuses_a_local_rule_that_would_hide_another():
    rule = {
        "id": "local-bp",
        "level": "absolute",
        "blood_pressure": {"systolic_above": 130},
        "supersedes": ["blood-pressure-above-140-90"],
        "message": "Clinic policy: treat only below 130 mmHg systolic.",
        "source": "Clinic SOP",
    }
    with pytest.raises(LocalRulesError, match="may not supersede"):
        load_rule_pack().with_local_rules({"rule": [rule]})


def test_it_refuses_a_raise_of_a_rule_that_does_not_exist():
    with pytest.raises(LocalRulesError, match="no rule 'bipolar'"):
        load_rule_pack().with_local_rules(
            {"raise": [{"rule": "bipolar", "level": "absolute", "reason": "x"}]}
        )


def test_it_refuses_a_raise_without_a_reason():
    with pytest.raises(LocalRulesError, match="reason is missing"):
        load_rule_pack().with_local_rules({"raise": [{"rule": "maois", "level": "absolute"}]})


def test_it_refuses_unknown_keys():
    with pytest.raises(LocalRulesError, match="unknown key"):
        load_rule_pack().with_local_rules({"lower": [{"rule": "maois", "level": "info"}]})


def test_it_refuses_text_that_is_not_toml():
    with pytest.raises(LocalRulesError, match="not valid TOML"):
        parse_local_rules("[[rule]\nid=")


def test_a_local_rule_on_a_drug_makes_the_drug_known_and_fires():
    rule = {
        "id": "local-gabapentinoids",
        "level": "caution",
        "drugs": ["gabapentin", "pregabalin"],
        "message": "Clinic policy: gabapentinoids add sedation; record dose and timing.",
        "source": "Clinic SOP 4",
    }
    base = load_rule_pack()
    assert rules_of(screen_with(base, medications=["gabapentin"])) == {"unknown-medication": "info"}
    pack = base.with_local_rules({"rule": [rule]})
    assert rules_of(screen_with(pack, medications=["Gabapentin 300 mg"])) == {
        "local-gabapentinoids": "caution"
    }
    found = rules_of(screen_with(pack, medications=["pregabalin/alprazolam"]))
    assert found == {"local-gabapentinoids": "caution", "benzodiazepines": "caution"}
