"""Minimum necessary: the prescriber decides and signs, the nurse enters intake and may evaluate,
the therapist reads, front desk, billing and the administrator see nothing of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from openkap.patients.models import Patient
from openkap.screening.models import Problem, Screening

pytestmark = pytest.mark.django_db


def _url(name: str, patient: Patient) -> str:
    return reverse(f"screening:{name}", kwargs={"public_id": patient.public_id})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("prescriber", 200),
        ("nurse", 200),
        ("therapist", 200),
        ("front_desk", 403),
        ("billing", 403),
        ("clinic_admin", 403),
    ],
)
def test_who_may_read_the_intake_and_the_screening(role, expected, staff, client_for, patient):
    client = client_for(staff[role])
    assert client.get(_url("intake", patient)).status_code == expected
    assert client.get(_url("decision", patient)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("prescriber", 302),
        ("nurse", 302),
        ("therapist", 403),
        ("front_desk", 403),
        ("billing", 403),
        ("clinic_admin", 403),
    ],
)
def test_who_may_enter_intake(role, expected, staff, client_for, patient):
    response = client_for(staff[role]).post(
        _url("problem_add", patient), {"code": "F33.1", "status": "active"}
    )
    assert response.status_code == expected
    assert Problem.objects.exists() == (expected == 302)


def test_the_therapist_reads_without_forms(staff, client_for, patient):
    page = client_for(staff["therapist"]).get(_url("intake", patient)).content.decode()
    assert "Add a problem" not in page
    assert "Record measurements" not in page


def test_a_nurse_may_evaluate_but_not_sign(client_for, nurse, ready_patient):
    client = client_for(nurse)
    assert client.post(_url("evaluate", ready_patient), {}).status_code == 302
    draft = Screening.objects.get()
    response = client.post(
        _url("sign", ready_patient),
        {"version": draft.version, "final_decision": "eligible", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert Screening.objects.get().status == "draft"
    page = client.get(_url("decision", ready_patient)).content.decode()
    assert "Sign screening" not in page


def test_a_therapist_may_not_evaluate(staff, client_for, ready_patient):
    response = client_for(staff["therapist"]).post(_url("evaluate", ready_patient), {})
    assert response.status_code == 403
    assert not Screening.objects.exists()
