"""What the authorisation matrix needs for the integration URLs: a note id that opens nothing (no
note has it) and POST bodies."""

from __future__ import annotations

import uuid
from typing import Any


def integration_matrix_values() -> dict[str, Any]:
    return {"note_id": uuid.UUID("00000000-0000-4000-8000-00000000000a")}


def integration_post_data(name: str) -> dict[str, Any]:
    # The matrix's patient has no integration session (writing a chart note: 400) and no note of
    # either kind (404); a psychotherapy note, its author's own, can always be written.
    if name == "integration:psychotherapy_new":
        return {"text": "A private process note"}
    return {}
