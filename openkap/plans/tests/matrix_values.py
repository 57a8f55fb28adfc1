"""What the authorisation matrix needs for the plans URLs: a value for the feed token (one that opens
nothing) and POST bodies."""

from __future__ import annotations

from typing import Any


def plans_matrix_values() -> dict[str, Any]:
    return {"token": "not-a-real-feed-token-" + "x" * 24}


def plans_post_data(name: str) -> dict[str, Any]:
    # The matrix's patient has no screening, plan or appointment: creating a plan is refused naming
    # the missing screening (400), the other actions have nothing to act on (400).
    if name == "plans:create":
        return {
            "indication_code": "F33.1",
            "route": "iv",
            "setting": "in_office",
            "psychotherapy": "cbt",
            "format": "individual",
            "start_date": "2099-01-05",
        }
    return {}
