"""The reports as JSON and CSV, each with the published figures beside the clinic's numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openkap.clinical.reports import published
from openkap.reports.selectors import (
    OUTCOME_COLUMNS,
    SAFETY_COLUMNS,
    OutcomeRow,
    ReportFilters,
    SafetyGroup,
    safety_rows,
)


def outcomes_json(rows: Sequence[OutcomeRow], filters: ReportFilters) -> dict[str, Any]:
    figures = published()
    return {
        "report": "outcomes",
        "filters": filters.describe(),
        "rows": [row.as_dict() for row in rows],
        "published": [
            {
                "instrument": f.instrument,
                "measure": f.measure,
                "value": f.value,
                "study": f.study.citation,
                "note": f.note,
                "verified": f.verified,
            }
            for f in figures.outcomes
        ],
    }


def safety_json(groups: Sequence[SafetyGroup], filters: ReportFilters) -> dict[str, Any]:
    figures = published()
    return {
        "report": "safety",
        "filters": filters.describe(),
        "groups": [group.as_dict() for group in groups],
        "published": [
            {
                "term": f.term,
                "rate": f.rate,
                "routes": list(f.routes),
                "study": f.study.citation,
                "note": f.note,
                "verified": f.verified,
            }
            for f in figures.safety
        ],
    }


def outcomes_csv_rows(rows: Sequence[OutcomeRow]) -> list[list[Any]]:
    return [[_cell(getattr(row, column)) for column in OUTCOME_COLUMNS] for row in rows]


def safety_csv_rows(groups: Sequence[SafetyGroup]) -> list[list[Any]]:
    return [[_cell(value) for value in row] for row in safety_rows(groups)]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def outcomes_csv(rows: Sequence[OutcomeRow]) -> str:
    return csv_text(OUTCOME_COLUMNS, outcomes_csv_rows(rows))


def safety_csv(groups: Sequence[SafetyGroup]) -> str:
    return csv_text(SAFETY_COLUMNS, safety_csv_rows(groups))


def _cell(value: Any) -> Any:
    """None as an empty cell; floats in full (repr), so a re-computation can compare closely."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value
