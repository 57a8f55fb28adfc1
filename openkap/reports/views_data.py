"""What the page, the PDF and the charts show beside the clinic's numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openkap.clinical.reports import published
from openkap.reports.selectors import OutcomeRow, SafetyGroup

MEASURE_LABELS = {
    "response_rate": "response",
    "remission_rate": "remission",
    "mean_percent_reduction": "reduction",
}


def published_by_measure() -> dict[str, str]:
    """Per instrument, one line of its published figures, e.g. "response 62.8% (hull2022)"."""
    lines: dict[str, list[str]] = {}
    for f in published().outcomes:
        value = (
            f"{f.value:.0f}%" if f.measure == "mean_percent_reduction" else f"{f.value * 100:.1f}%"
        )
        mark = "" if f.verified else ", unverified"
        lines.setdefault(f.instrument, []).append(
            f"{MEASURE_LABELS[f.measure]} {value} ({f.study.id}{mark})"
        )
    return {instrument: "; ".join(parts) for instrument, parts in lines.items()}


def safety_by_term(groups: Sequence[SafetyGroup]) -> list[tuple[str, int]]:
    """Sessions with each term over every group, most frequent first."""
    totals: dict[str, int] = {}
    for group in groups:
        for term in group.terms:
            totals[term.term] = totals.get(term.term, 0) + term.sessions_with_event
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def chart_data(outcomes: Sequence[OutcomeRow], safety: Sequence[SafetyGroup]) -> dict[str, Any]:
    """The numbers the charts draw (the tables beside them show the same)."""
    figures = published()
    sessions = sum(group.sessions for group in safety)
    terms = safety_by_term(safety)
    return {
        "outcomes": [
            {
                "label": row.name,
                "response": row.response_rate,
                "remission": row.remission_rate,
                "published_response": next(
                    (
                        f.value
                        for f in figures.outcomes_for(row.instrument)
                        if f.measure == "response_rate"
                    ),
                    None,
                ),
                "published_remission": next(
                    (
                        f.value
                        for f in figures.outcomes_for(row.instrument)
                        if f.measure == "remission_rate"
                    ),
                    None,
                ),
            }
            for row in outcomes
        ],
        "safety": [
            {
                "label": term,
                "rate": count / sessions if sessions else 0,
                "published": next((f.rate for f in figures.safety_for(term)), None),
            }
            for term, count in terms
        ],
    }
