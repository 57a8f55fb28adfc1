"""A complete, unremarkable set of pre-screen answers; tests change the one they are about."""

from __future__ import annotations

from typing import Any

from openkap.accounts.models import Clinic


def answers(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "age": 41,
        "sex": "female",
        "weight": "160",
        "weight_unit": "lb",
        "pregnant": "no",
        "breastfeeding": "no",
        "allergy_ketamine": "no",
        "suicidal_thoughts": "no",
        "ride_home": "yes",
        "route": "",
        "setting": "",
        "name": "Jamie Public",
        "phone": "555 010 1234",
        "email": "",
        "clinic": clinic.pk,
        "consent_to_contact": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
