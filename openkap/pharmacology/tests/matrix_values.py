"""What the authorisation matrix needs for the pharmacology URLs: POST bodies that succeed for those
allowed (the threshold saved; a plan proposed)."""

from __future__ import annotations

from typing import Any


def pharmacology_post_data(name: str) -> dict[str, Any]:
    if name == "pharmacology:settings":
        return {"threshold_ng_per_ml": "120", "version": 0}
    if name in {"pharmacology:planner", "pharmacology:planner_session"}:
        return {
            "model": "domino-1984",
            "weight_kg": "70",
            "target_ng_per_ml": "150",
            "duration_min": "40",
            "step_min": "5",
        }
    return {}
