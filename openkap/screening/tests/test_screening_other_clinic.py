"""Another clinic's patient does not exist for you: every intake and screening page answers 404."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.screening.models import Problem

pytestmark = pytest.mark.django_db

PAGES = [
    ("GET", "intake", {}),
    ("GET", "decision", {}),
    ("POST", "problem_add", {"code": "F33.1", "status": "active"}),
    ("POST", "medication_add", {"name": "sertraline"}),
    ("POST", "measurement_add", {"weight": "70", "weight_unit": "kg", "height_unit": "cm"}),
    ("POST", "evaluate", {}),
    ("POST", "sign", {"version": 1, "final_decision": "eligible", "password": "x"}),
    ("GET", "questionnaire", {}),
]


@pytest.mark.parametrize(("method", "name", "data"), PAGES)
def test_it_answers_not_found_for_another_clinics_patient(
    method, name, data, clinic, other_clinic, make_staff, make_patient, client_for
):
    foreign = make_patient(other_clinic, legal_given_name="Faraway")
    client = client_for(make_staff("everything", clinic, *Role.values))
    for public_id in (foreign.public_id, uuid.uuid4()):
        kwargs = {"public_id": public_id}
        if name == "questionnaire":
            kwargs["instrument_id"] = "phq9"
        url = reverse(f"screening:{name}", kwargs=kwargs)
        response = client.get(url) if method == "GET" else client.post(url, data)
        assert response.status_code == 404, (name, public_id)
        assert "Faraway" not in response.content.decode()
    assert not Problem.objects.exists()
