"""The chart's vocabularies: every side effect the seeds list, grades, interventions, aftercare."""

from __future__ import annotations

import pytest

from openkap.clinical.rulepack import STRENGTHS, load_rule_pack
from openkap.clinical.session import (
    Term,
    aftercare_instructions,
    interventions,
    severity_grades,
    side_effect_terms,
)

# The side effects both seeds name (issue 4, "During"), as the ids the chart records.
SEED_SIDE_EFFECTS = {
    "dissociation": "Dissociation",
    "elevated_blood_pressure": "blood pressure",
    "nausea": "Nausea",
    "vomiting": "Vomiting",
    "headache": "Headache",
    "dizziness": "Dizziness",
    "blurred_vision": "Blurred vision",
    "slurred_speech": "Slurred speech",
    "confusion": "Confusion",
    "sedation": "Sedation",
    "anxiety": "Anxi",
    "euphoria": "Euphoria",
    "numbness": "Numbness",
}
# Seed 001 also lists these (from the SPRAVATO website); the labels add the rest.
OTHER_EXPECTED = {
    "elevated_heart_rate",
    "lack_of_energy",
    "feeling_drunk",
    "respiratory_depression",
}


def test_every_side_effect_the_seeds_list_is_offered() -> None:
    terms = {term.id: term for term in side_effect_terms()}
    for term_id, words in SEED_SIDE_EFFECTS.items():
        assert term_id in terms, term_id
        assert words.lower() in terms[term_id].label.lower()
        assert "seed" in terms[term_id].source.lower(), term_id
    assert set(terms) >= OTHER_EXPECTED


@pytest.mark.parametrize(
    "terms", [side_effect_terms, severity_grades, interventions, aftercare_instructions]
)
def test_every_term_is_sourced_and_unique(terms: object) -> None:
    entries: tuple[Term, ...] = terms()  # type: ignore[operator]
    assert entries
    assert len({term.id for term in entries}) == len(entries)
    for term in entries:
        assert term.label.strip() and term.source.strip()
        assert term.strength in STRENGTHS
        if not term.verified:
            assert "unverified" in term.source and term.note


def test_severity_grades_are_mild_moderate_severe_and_defined() -> None:
    grades = severity_grades()
    assert [grade.id for grade in grades] == ["mild", "moderate", "severe"]
    assert all(grade.description for grade in grades)
    # No grading scale in the research notes: the definitions are clinic policy.
    assert all(grade.strength == "clinic_policy" and not grade.verified for grade in grades)


def test_interventions_include_what_the_spec_names() -> None:
    ids = {term.id for term in interventions()}
    assert {
        "reassurance_grounding",
        "antiemetic_standing_order",
        "antihypertensive_per_order",
        "infusion_paused",
        "oxygen",
        "prescriber_called",
    } <= ids


def test_pausing_an_infusion_is_offered_for_the_iv_route_only() -> None:
    (paused,) = [term for term in interventions() if term.id == "infusion_paused"]
    assert paused.routes == ("iv",)
    routes = set(load_rule_pack().routes)
    assert all(set(term.routes) <= routes for term in interventions())


def test_aftercare_covers_driving_decisions_alcohol_and_who_to_call() -> None:
    terms = {term.id: term for term in aftercare_instructions()}
    driving = terms["no_driving"]
    assert "next day" in driving.label and "machinery" in driving.label
    assert "section 17" in driving.source and driving.strength == "label" and driving.verified
    assert "critical decisions" in terms["no_critical_decisions"].label
    assert "alcohol" in terms["no_alcohol"].label
    assert "call" in terms["who_to_call"].label.lower()
