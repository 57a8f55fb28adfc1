"""Who sees a patient's cost estimate: front desk and billing of the patient's clinic (the read is
audited); nurse, therapist and the administrator do not; another clinic's staff do not find the
patient. The page says it is an estimate and that coverage is the clinic's information."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient


def _url(patient: Patient) -> str:
    return reverse("billing:estimate", kwargs={"public_id": patient.public_id})


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.BILLING])
def test_front_desk_and_billing_see_the_estimate(
    role, price_list, planned_patient, clinic, make_staff, client_for
):
    user = make_staff(f"{role}-sees", clinic, role)
    response = client_for(user).get(_url(planned_patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "IV package of 6" in body
    assert "Estimate, not a bill" in body
    assert "clinic&#x27;s own information" in body
    assert AuditEvent.objects.filter(
        action=Action.READ, category=Category.BILLING, patient=planned_patient, user=user
    ).exists()


@pytest.mark.parametrize("role", [Role.NURSE, Role.THERAPIST, Role.PRESCRIBER, Role.CLINIC_ADMIN])
def test_clinical_staff_and_the_administrator_do_not(
    role, price_list, planned_patient, clinic, make_staff, client_for
):
    user = make_staff(f"{role}-not", clinic, role)
    response = client_for(user).get(_url(planned_patient))
    assert response.status_code == 403
    assert b"IV package of 6" not in response.content


def test_another_clinics_front_desk_does_not_find_the_patient(
    price_list, planned_patient, other_clinic, make_staff, client_for
):
    user = make_staff("desk-elsewhere", other_clinic, Role.FRONT_DESK)
    response = client_for(user).get(_url(planned_patient))
    assert response.status_code == 404
    assert planned_patient.mrn.encode() not in response.content


def test_saving_the_estimate_from_the_page_makes_the_one_the_patient_sees(
    price_list, planned_patient, front_desk, client_for
):
    response = client_for(front_desk).post(_url(planned_patient))
    assert response.status_code == 302
    saved = planned_patient.cost_estimates.get()
    assert saved.created_by == front_desk
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="cost_estimate", object_id=str(saved.pk)
    ).exists()


def test_saving_without_a_plan_is_refused_with_the_reason(
    price_list, patient, front_desk, client_for
):
    response = client_for(front_desk).post(_url(patient))
    assert response.status_code == 400
    assert "no treatment plan" in response.content.decode()
    assert not patient.cost_estimates.exists()
