"""What the authorisation matrix needs for the at-home URLs: ids that name nothing (404 for those
allowed)."""

from __future__ import annotations

from typing import Any

NO_SUCH_RECORD = 987_655


def athome_matrix_values() -> dict[str, Any]:
    return {
        "appointment_id": NO_SUCH_RECORD,
        "checkin_id": NO_SUCH_RECORD,
        "dispensing_id": NO_SUCH_RECORD,
    }
