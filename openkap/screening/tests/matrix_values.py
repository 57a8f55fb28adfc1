"""What the authorisation matrix (openkap/web/tests/test_authorization_matrix.py) needs for the
screening URLs: values for their URL parameters, and POST bodies that succeed for someone allowed."""

from __future__ import annotations

from typing import Any

from openkap.clinical.instruments import instrument

MATRIX_INSTRUMENT = "phq9"


def screening_matrix_values() -> dict[str, Any]:
    return {"instrument_id": MATRIX_INSTRUMENT}


def screening_post_data(name: str) -> dict[str, Any]:
    if name == "screening:code_search":
        return {"query": "F33"}
    if name == "screening:problem_add":
        return {"code": "F33.1", "status": "active"}
    if name == "screening:medication_add":
        return {"name": "sertraline", "dose": "100 mg", "frequency": "daily"}
    if name == "screening:allergy_add":
        return {"substance": "penicillin", "reaction": "rash"}
    if name == "screening:measurement_add":
        return {"weight": "70", "weight_unit": "kg", "height_unit": "cm", "heart_rate": "72"}
    if name == "screening:substance_set":
        return {"substance": "alcohol", "frequency": "weekly"}
    if name == "screening:pregnancy_set":
        return {"version": 0, "pregnancy": "not_pregnant"}
    if name == "screening:questionnaire":
        return {f"item_{item.id}": 0 for item in instrument(MATRIX_INSTRUMENT).items}
    # Removals and status changes name no row (nothing to change): back to the intake with a
    # message. Evaluate, sign and addendum have nothing to act on in the matrix's world.
    return {}
