"""What the authorisation matrix needs for the safety URLs: an event number that names no event of
the matrix's patient (404), and POST bodies that succeed for those allowed."""

from __future__ import annotations

from typing import Any


def safety_matrix_values() -> dict[str, Any]:
    return {"event_id": 999_999}


def safety_post_data(name: str) -> dict[str, Any]:
    if name == "safety:record":
        return {"term": "nausea", "severity": "mild", "onset_at": "2025-01-02T10:00"}
    if name == "safety:result":
        return {"check_id": "bladder", "performed_on": "2025-01-02", "result": "normal"}
    if name == "safety:cadence":
        return {"bladder": 30, "liver": 90, "cognition": 90, "state": ""}
    if name == "safety:mine":
        return {"term": "nausea", "severity": "mild", "onset_at": "2025-01-02T10:00"}
    return {}
