"""What the authorisation matrix needs for the outcomes URLs: ids that name nothing (no alert, no
assignment exists for the matrix's patient) and POST bodies that succeed for those allowed."""

from __future__ import annotations

from typing import Any


def outcomes_matrix_values() -> dict[str, Any]:
    return {"alert_id": 987654, "assignment_id": 987654}


def outcomes_post_data(name: str) -> dict[str, Any]:
    if name == "outcomes:record":
        # A complete PHQ-9 with no risk answer: saved, back to the outcomes chart.
        return {"instrument": "phq9", **{f"item_{n}": "0" for n in range(1, 10)}}
    return {}
