"""The pre-screen's mapping data: every code is a real ICD-10-CM code and every medicine is known to
the eligibility rule pack, so no answer silently turns into nothing."""

from __future__ import annotations

from openkap.clinical import eligibility
from openkap.clinical.icd10 import icd10_exists
from openkap.portal.prescreen import prescreen_map


def test_every_code_is_a_valid_icd10cm_code():
    mapping = prescreen_map()
    for option in (*mapping.conditions, *mapping.substance):
        assert option.codes, option.key
        for code in option.codes:
            assert icd10_exists(code), f"{option.key}: {code}"


def test_every_health_problem_answer_is_flagged_by_the_engine():
    mapping = prescreen_map()
    for option in (*mapping.conditions, *mapping.substance):
        decision = eligibility.evaluate(
            eligibility.ScreeningInput(
                age_years=40, sex="female", weight_kg=70, conditions=option.codes
            )
        )
        assert decision.findings, f"{option.key} ({option.codes}) matches no rule"


def test_every_medicine_answer_is_known_to_the_engine():
    mapping = prescreen_map()
    for option in mapping.medications:
        decision = eligibility.evaluate(
            eligibility.ScreeningInput(
                age_years=40, sex="female", weight_kg=70, medications=(option.generic,)
            )
        )
        unknown = [f for f in decision.findings if f.rule == "unknown-medication"]
        assert not unknown, f"{option.key}: {option.generic} is unknown to the rule pack"
