"""A screening code broader than a rule's codes (F32, of which only F32.3 has psychotic features)
still raises the rule, as a soft stop at most, with a note asking for the specific code; a code
that a rule names as a whole (I71) raises it at its own level."""

from __future__ import annotations

from .engine_helpers import rules_of, screen


def test_a_category_a_rule_names_whole_is_matched_at_its_level():
    decision = screen(conditions=["I71"])
    assert decision.decision == "ineligible"
    assert rules_of(decision)["aneurysmal-vascular-disease"] == "absolute"


def test_a_broader_code_asks_for_the_specific_code():
    decision = screen(conditions=["F32"])
    assert decision.decision == "needs_review"
    finding = next(f for f in decision.findings if f.rule == "psychotic-depression")
    assert finding.level == "relative"
    assert "F32 includes F32.3" in finding.note
    assert "specific code" in finding.note
    assert finding.inputs == {"conditions": ["F32"]}


def test_a_broader_code_is_a_soft_stop_even_for_a_hard_stop_rule():
    decision = screen(conditions=["Q28"])  # includes Q28.2, AVM of cerebral vessels
    assert decision.decision == "needs_review"
    finding = next(f for f in decision.findings if f.rule == "arteriovenous-malformation")
    assert finding.level == "relative"


def test_a_broader_code_keeps_a_lower_level():
    decision = screen(conditions=["F31"])
    assert rules_of(decision)["bipolar-disorder"] == "caution"


def test_the_specific_code_is_matched_at_the_rule_level():
    decision = screen(conditions=["F32", "F32.3"])
    finding = next(f for f in decision.findings if f.rule == "psychotic-depression")
    assert finding.level == "relative"
    assert finding.inputs == {"conditions": ["F32", "F32.3"]}
    assert "broader code" not in finding.note


def test_a_specific_code_outside_the_rule_is_not_matched():
    assert screen(conditions=["F32.9"]).decision == "eligible"
    assert screen(conditions=["Q28.8"]).decision == "eligible"
