"""Property tests of the decision rule: the decision is a function of the levels found alone; adding
a finding (or a condition, a medication, an allergy) never makes the decision less strict; an
unknown medication always yields an information finding."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from openkap.clinical.eligibility import (
    DECISIONS,
    Decision,
    decision_for_levels,
    evaluate,
    screening_input_from_json,
)
from openkap.clinical.rulepack import LEVELS, load_rule_pack

from .engine_helpers import PLAIN_ADULT

PACK = load_rule_pack()
STRICTNESS = {decision: rank for rank, decision in enumerate(DECISIONS)}
levels = st.lists(st.sampled_from(LEVELS), max_size=12)

# A pool of inputs touching rules of every level.
CODES = ["I71.2", "Q28.2", "F32.3", "F20.9", "F31.81", "I10", "K76.0", "N18.6", "G47.33", "F33.1"]
MEDICATIONS = [
    "theophylline",
    "alprazolam",
    "phenelzine",
    "lamotrigine",
    "sertraline",
    "oxycodone",
    "clarithromycin",
    "unknownium",
    "quetiapine",
]
ALLERGIES = ["ketamine", "penicillin", "latex"]


def decide(data: dict[str, Any]) -> Decision:
    return evaluate(screening_input_from_json(data, pack=PACK), pack=PACK)


@given(levels)
def test_the_decision_follows_the_most_severe_level(found):
    decision = decision_for_levels(found)
    if "absolute" in found:
        assert decision == "ineligible"
    elif "relative" in found:
        assert decision == "needs_review"
    else:
        assert decision == "eligible"


@given(levels, st.randoms(use_true_random=False))
def test_the_decision_depends_only_on_which_levels_were_found(found, random):
    shuffled = list(found)
    random.shuffle(shuffled)
    assert decision_for_levels(shuffled) == decision_for_levels(found)
    assert decision_for_levels(found + found) == decision_for_levels(found)
    assert decision_for_levels(sorted(set(found))) == decision_for_levels(found)


@given(levels, st.sampled_from(LEVELS))
def test_adding_a_finding_never_makes_the_decision_less_strict(found, extra):
    before = STRICTNESS[decision_for_levels(found)]
    after = STRICTNESS[decision_for_levels([*found, extra])]
    assert after >= before


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(CODES), max_size=4),
    st.lists(st.sampled_from(MEDICATIONS), max_size=4),
    st.lists(st.sampled_from(ALLERGIES), max_size=2),
)
def test_the_engine_decides_by_the_levels_of_its_findings(codes, medications, allergies):
    result = decide(
        {**PLAIN_ADULT, "conditions": codes, "medications": medications, "allergies": allergies}
    )
    assert result.decision == decision_for_levels(f.level for f in result.findings)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(CODES), max_size=3),
    st.lists(st.sampled_from(MEDICATIONS), max_size=3),
    st.sampled_from(CODES),
    st.sampled_from(MEDICATIONS),
    st.sampled_from(ALLERGIES),
)
def test_adding_to_the_history_never_makes_the_engine_less_strict(
    codes, medications, extra_code, extra_medication, extra_allergy
):
    base = {**PLAIN_ADULT, "conditions": codes, "medications": medications}
    before = STRICTNESS[decide(base).decision]
    for more in (
        {"conditions": [*codes, extra_code]},
        {"medications": [*medications, extra_medication]},
        {"allergies": [extra_allergy]},
    ):
        assert STRICTNESS[decide({**base, **more}).decision] >= before


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=50, max_value=300),
    st.integers(min_value=20, max_value=200),
    st.integers(min_value=0, max_value=60),
)
def test_a_higher_blood_pressure_is_never_judged_less_strictly(systolic, diastolic, rise):
    assume(diastolic < systolic)
    higher = min(systolic + rise, 300)
    lower_result = decide(
        {**PLAIN_ADULT, "blood_pressure": {"systolic": systolic, "diastolic": diastolic}}
    )
    higher_result = decide(
        {**PLAIN_ADULT, "blood_pressure": {"systolic": higher, "diastolic": diastolic}}
    )
    assert STRICTNESS[higher_result.decision] >= STRICTNESS[lower_result.decision]


names = st.text(alphabet=string.ascii_lowercase + " ", min_size=3, max_size=30).filter(
    lambda text: text.strip()
)


@settings(max_examples=100, deadline=None)
@given(names)
def test_an_unknown_medication_always_yields_an_information_finding(name):
    assume(PACK.drug_classes_of(name) is None)
    result = decide({**PLAIN_ADULT, "medications": [name]})
    assert result.decision == "eligible"
    assert [(f.rule, f.level) for f in result.findings] == [("unknown-medication", "info")]
    assert result.findings[0].inputs == {"medications": [name.strip()]}


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=1, max_size=4, unique=True))
def test_each_unknown_medication_is_reported(names_given):
    unknown = [n for n in names_given if PACK.drug_classes_of(n) is None]
    distinct = {PACK.normalise_drug_name(n) or n.strip().lower() for n in unknown}
    assume(len(distinct) == len(unknown))
    result = decide({**PLAIN_ADULT, "medications": names_given})
    reported = [
        f.inputs["medications"][0] for f in result.findings if f.rule == "unknown-medication"
    ]
    assert sorted(reported) == sorted(n.strip() for n in unknown)
