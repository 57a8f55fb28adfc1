"""Every rule of the pack fires on a screening built from its own data, at its own level, and the
decision follows from that level."""

from __future__ import annotations

from typing import Any

import pytest

from openkap.clinical.eligibility import decision_for_levels
from openkap.clinical.rulepack import Rule, load_rule_pack

from .engine_helpers import PLAIN_ADULT, rules_of, screen

PACK = load_rule_pack()


def a_code_of(rule: Rule) -> str:
    for condition_set in rule.conditions:
        for pattern in condition_set.codes:
            if condition_set.matches(pattern.low):
                return pattern.low
    return rule.codes[0].low


def case_for(rule: Rule) -> dict[str, Any]:
    """The plain adult, changed just enough to match the rule."""
    case: dict[str, Any] = dict(PLAIN_ADULT)
    if rule.conditions or rule.codes:
        case["conditions"] = [a_code_of(rule)]
    elif rule.drug_classes:
        case["medications"] = [PACK.drug_classes[rule.drug_classes[0]].members[0]]
    elif rule.drugs:
        case["medications"] = [rule.drugs[0]]
    elif rule.allergies:
        case["allergies"] = [rule.allergies[0]]
    elif rule.pregnant:
        case["pregnant"] = True
    elif rule.breastfeeding:
        case["breastfeeding"] = True
    elif rule.blood_pressure is not None:
        threshold = rule.blood_pressure
        if threshold.systolic_above is not None:
            case["blood_pressure"] = {"systolic": threshold.systolic_above + 1, "diastolic": 70}
        elif threshold.systolic_at_least is not None:
            case["blood_pressure"] = {"systolic": threshold.systolic_at_least, "diastolic": 70}
        else:
            diastolic = threshold.diastolic_above or threshold.diastolic_at_least or 0
            case["blood_pressure"] = {"systolic": diastolic + 40, "diastolic": diastolic + 1}
    elif rule.heart_rate_above is not None:
        case["heart_rate"] = rule.heart_rate_above + 1
    elif rule.has_age_trigger:
        if rule.age_below is not None:
            case["age_years"] = rule.age_below - 1
        elif rule.age_at_most is not None:
            case["age_years"] = rule.age_at_most
        else:
            case["age_years"] = rule.age_at_least
    elif rule.unknown_medication:
        case["medications"] = ["notarealdrugium"]
    if rule.routes:
        case["route"] = rule.routes[0]
    if rule.settings:
        case["setting"] = rule.settings[0]
    return case


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda rule: rule.id)
def test_the_rule_fires_on_its_own_data(rule):
    decision = screen(**case_for(rule))
    found = rules_of(decision)
    assert found.get(rule.id) == rule.level
    assert decision.decision == decision_for_levels(found.values())
    finding = next(f for f in decision.findings if f.rule == rule.id)
    assert finding.inputs
    assert finding.source == rule.source
    assert finding.verified == rule.verified


@pytest.mark.parametrize(
    "rule", [r for r in PACK.rules if r.routes or r.settings], ids=lambda rule: rule.id
)
def test_a_route_or_setting_rule_stays_silent_without_its_route_or_setting(rule):
    case = case_for(rule)
    case.pop("route", None)
    case.pop("setting", None)
    assert rule.id not in rules_of(screen(**case))


def test_the_plain_adult_is_eligible_with_no_findings():
    decision = screen()
    assert decision.decision == "eligible"
    assert decision.findings == ()
