"""Property test of the prescriber's decision rule (services.decision_errors), over every mix of
finding levels, engine decisions, signed decisions and reasons."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openkap.screening.services import decision_errors

LEVELS = st.lists(st.sampled_from(["absolute", "relative", "caution", "info"]), max_size=6)
DECISIONS = st.sampled_from(["eligible", "needs_review", "ineligible"])
REASONS = st.sampled_from(["", "   ", "Reviewed with the cardiologist."])


def _engine_decision(levels: list[str]) -> str:
    if "absolute" in levels:
        return "ineligible"
    if "relative" in levels:
        return "needs_review"
    return "eligible"


@given(levels=LEVELS, final=DECISIONS, reason=REASONS)
def test_an_absolute_finding_is_never_signed_eligible(levels, final, reason):
    errors = decision_errors(
        engine_decision=_engine_decision(levels),
        finding_levels=levels,
        final_decision=final,
        reason=reason,
    )
    if "absolute" in levels and final == "eligible":
        assert "final_decision" in errors


@given(levels=LEVELS, final=DECISIONS, reason=REASONS)
def test_a_signed_decision_is_eligible_or_ineligible(levels, final, reason):
    errors = decision_errors(
        engine_decision=_engine_decision(levels),
        finding_levels=levels,
        final_decision=final,
        reason=reason,
    )
    if final == "needs_review":
        assert errors == {"final_decision": "Sign the screening as eligible or ineligible."}


@given(levels=LEVELS, final=st.sampled_from(["eligible", "ineligible"]), reason=REASONS)
def test_deciding_differently_from_the_engine_needs_a_reason(levels, final, reason):
    engine = _engine_decision(levels)
    errors = decision_errors(
        engine_decision=engine, finding_levels=levels, final_decision=final, reason=reason
    )
    hard_stop = "absolute" in levels and final == "eligible"
    if not hard_stop:
        needs_reason = final != engine and not reason.strip()
        assert ("reason" in errors) == needs_reason
        assert bool(errors) == needs_reason
