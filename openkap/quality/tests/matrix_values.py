"""What the authorisation matrix needs for the quality URLs: ids of records that do not exist (an
allowed user gets 404), and POST bodies that succeed for those allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

NO_SUCH_RECORD = 999_999


def quality_matrix_values() -> dict[str, Any]:
    return {"credential_id": NO_SUCH_RECORD, "drill_id": NO_SUCH_RECORD}


def quality_post_data(name: str, colleague_id: int) -> dict[str, Any]:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    if name in {"quality:licence_add", "quality:licence_edit"}:
        return {
            "holder": colleague_id,
            "kind": "nursing_licence",
            "number": "RN-1",
            "issuer": "State board",
            "expires_on": (timezone.localdate() + timedelta(days=300)).isoformat(),
            "version": 1,
        }
    if name == "quality:licence_retire":
        return {"reason": "Entered in error", "version": 1}
    if name in {"quality:drill_add", "quality:drill_edit"}:
        return {
            "held_on": yesterday,
            "scenario": "airway",
            "other_participants": "The whole team",
            "findings": "Went as planned.",
            "version": 1,
        }
    if name == "quality:rems":
        return {"version": 0}
    return {}
