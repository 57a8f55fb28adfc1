"""Shared helpers for the eligibility engine's tests: a plain adult with nothing to find, and ways to
screen variations of it."""

from __future__ import annotations

from typing import Any

from openkap.clinical.eligibility import Decision, evaluate, screening_input_from_json

PLAIN_ADULT: dict[str, Any] = {"age_years": 40, "sex": "female", "weight_kg": 70}


def screen(**fields: Any) -> Decision:
    """Screen the plain adult with these fields changed (JSON field names and values)."""
    return evaluate(screening_input_from_json({**PLAIN_ADULT, **fields}))


def rules_of(decision: Decision) -> dict[str, str]:
    """Rule id → level of every finding."""
    return {finding.rule: finding.level for finding in decision.findings}


def screen_with(pack: Any, **fields: Any) -> Decision:
    """Screen the plain adult against a given rule pack."""
    data = {**PLAIN_ADULT, **fields}
    return evaluate(screening_input_from_json(data, pack=pack), pack=pack)
