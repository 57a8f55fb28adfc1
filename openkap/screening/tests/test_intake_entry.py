"""Entering intake data: it is saved as typed (weights in pounds converted), and shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.patients.models import Patient
from openkap.screening.models import Measurement, Medication, Problem, SubstanceUse

pytestmark = pytest.mark.django_db


def _url(name: str, patient: Patient) -> str:
    return reverse(f"screening:{name}", kwargs={"public_id": patient.public_id})


def test_it_converts_a_weight_in_pounds_to_kilograms(client_for, nurse, patient):
    response = client_for(nurse).post(
        _url("measurement_add", patient),
        {"weight": "180", "weight_unit": "lb", "height": "67", "height_unit": "in"},
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    # 180 lb x 0.45359237 kg/lb = 81.646... kg; 67 in x 2.54 cm/in = 170.18 cm.
    assert measurement.weight_kg == Decimal("81.65")
    assert measurement.height_cm == Decimal("170.2")
    assert measurement.created_by == nurse


def test_it_adds_a_problem_with_the_code_sets_description(client_for, prescriber, patient):
    response = client_for(prescriber).post(
        _url("problem_add", patient), {"code": "f331", "status": "active", "onset": "2019-05-01"}
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.code == "F33.1"
    assert problem.description == "Major depressive disorder, recurrent, moderate"
    assert str(problem.onset) == "2019-05-01"
    page = client_for(prescriber).get(_url("intake", patient)).content.decode()
    assert "Major depressive disorder, recurrent, moderate" in page


def test_it_marks_a_problem_resolved_and_removes_one_entered_in_error(
    client_for, prescriber, patient
):
    client = client_for(prescriber)
    client.post(_url("problem_add", patient), {"code": "F41.1", "status": "active"})
    client.post(_url("problem_add", patient), {"code": "F43.10", "status": "active"})
    anxiety, ptsd = Problem.objects.order_by("code")
    client.post(_url("problem_change", patient), {"item": anxiety.pk, "change": "resolved"})
    client.post(_url("problem_change", patient), {"item": ptsd.pk, "change": "remove"})
    assert list(Problem.objects.values_list("code", "status")) == [("F41.1", "resolved")]


def test_it_refuses_to_remove_another_patients_medication(
    client_for, prescriber, patient, make_patient, clinic
):
    other = make_patient(clinic)
    client = client_for(prescriber)
    client.post(_url("medication_add", other), {"name": "Sertraline", "dose": "100 mg"})
    theirs = Medication.objects.get()
    response = client.post(_url("medication_remove", patient), {"item": theirs.pk})
    assert response.status_code == 404
    assert Medication.objects.filter(pk=theirs.pk).exists()


def test_it_records_substance_use_once_per_substance(client_for, nurse, patient):
    client = client_for(nurse)
    client.post(_url("substance_set", patient), {"substance": "alcohol", "frequency": "weekly"})
    client.post(
        _url("substance_set", patient),
        {"substance": "alcohol", "frequency": "monthly", "last_use": "2026-01-02"},
    )
    use = SubstanceUse.objects.get()
    assert (use.frequency, str(use.last_use)) == ("monthly", "2026-01-02")


def test_it_audits_each_intake_change_without_its_values(client_for, nurse, patient):
    client_for(nurse).post(
        _url("medication_add", patient), {"name": "Lorazepam", "dose": "1 mg", "frequency": "prn"}
    )
    event = AuditEvent.objects.filter(category=Category.SCREENING, action="create").get()
    assert event.patient == patient
    assert event.object_type == "medication"
    assert "lorazepam" not in str(event.detail).lower()
