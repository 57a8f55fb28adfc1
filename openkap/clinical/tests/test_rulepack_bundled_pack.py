"""The bundled rule pack loads, carries a version, and every rule is complete: a level, a message, an
original source (never our research notes), a strength, and a note wherever it is unverified."""

from __future__ import annotations

import re

from openkap.clinical.rulepack import LEVELS, STRENGTHS, load_rule_pack

# Every family the issue and the seeds name, by a rule id that covers it.
REQUIRED_RULES = {
    "hypersensitivity-ketamine",
    "aneurysmal-vascular-disease",
    "arteriovenous-malformation",
    "arterial-dissection",
    "intracerebral-hemorrhage",
    "hypertensive-crisis-reading",
    "blood-pressure-above-140-90",
    "resistant-hypertension",
    "acute-coronary-syndrome",
    "chronic-ischemic-heart-disease",
    "heart-failure",
    "raised-intracranial-pressure",
    "raised-intraocular-pressure",
    "liver-disease",
    "severe-hepatic-impairment",
    "kidney-failure",
    "chronic-kidney-disease",
    "psychotic-disorder",
    "psychotic-depression",
    "bipolar-disorder",
    "dissociative-disorder",
    "substance-use-disorder",
    "pregnancy",
    "breastfeeding",
    "benzodiazepines",
    "non-benzodiazepine-hypnotics",
    "opioids",
    "psychostimulants",
    "maois",
    "theophylline-aminophylline",
    "lamotrigine",
    "sympathomimetics",
    "cyp-inhibitors",
    "cyp-inducers",
    "esketamine-at-home",
    "unknown-medication",
}


def test_it_loads_the_bundled_pack_with_a_version():
    pack = load_rule_pack()
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", pack.version)
    assert pack.base_version == pack.version


def test_it_covers_every_family_of_contraindication_and_interaction():
    ids = {rule.id for rule in load_rule_pack().rules}
    assert ids >= REQUIRED_RULES


def test_every_rule_is_complete():
    for rule in load_rule_pack().rules:
        assert rule.level in LEVELS, rule.id
        assert rule.strength in STRENGTHS, rule.id
        assert len(rule.message) > 20, rule.id
        assert len(rule.source) > 20, rule.id
        assert "clinical.md" not in rule.source.lower(), rule.id
        if not rule.verified:
            assert rule.note, rule.id


def test_the_ids_are_unique():
    ids = [rule.id for rule in load_rule_pack().rules]
    assert len(ids) == len(set(ids))


def test_psychotic_depression_suggests_ect():
    rule = load_rule_pack().rule("psychotic-depression")
    assert any("ECT" in alternative for alternative in rule.alternatives)


def test_values_the_notes_flag_are_marked_unverified():
    pack = load_rule_pack()
    for rule_id in (
        "raised-intraocular-pressure",
        "dissociative-disorder",
        "kidney-failure",
        "bipolar-disorder",
        "hypertensive-crisis-reading",
        "esketamine-rems",
    ):
        assert pack.rule(rule_id).verified is False, rule_id


def test_it_knows_the_routes_and_settings_of_the_issue():
    pack = load_rule_pack()
    assert set(pack.routes) == {
        "iv",
        "im",
        "sublingual",
        "oral",
        "intranasal_esketamine",
        "subcutaneous",
    }
    assert set(pack.settings) == {"in_office", "at_home"}


def test_the_plausibility_limits_are_data():
    limits = load_rule_pack().limits
    assert (limits["age_years"].minimum, limits["age_years"].maximum) == (0, 120)
    assert (limits["weight_kg"].minimum, limits["weight_kg"].maximum) == (1, 400)
    assert (
        limits["blood_pressure.systolic"].minimum,
        limits["blood_pressure.systolic"].maximum,
    ) == (
        50,
        300,
    )
    assert (
        limits["blood_pressure.diastolic"].minimum,
        limits["blood_pressure.diastolic"].maximum,
    ) == (20, 200)
    assert (limits["heart_rate"].minimum, limits["heart_rate"].maximum) == (20, 250)
