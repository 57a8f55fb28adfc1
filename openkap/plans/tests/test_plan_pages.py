from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from openkap.plans.models import Appointment, TreatmentPlan

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "indication_code": "F33.1",
        "route": "iv",
        "setting": "in_office",
        "protocol_id": "fake-iv",
        "psychotherapy": "mindfulness",
        "format": "group",
        "start_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_form_names_a_wrong_indication_code(eligible_patient, prescriber, client_for):
    url = reverse("plans:create", kwargs={"public_id": eligible_patient.public_id})
    response = client_for(prescriber).post(url, form_data(indication_code="ZZZ"))
    assert response.status_code == 400
    assert "Indication (ICD-10-CM code): &#x27;ZZZ&#x27; is not an ICD-10-CM code." in (
        response.content.decode()
    )
    assert not TreatmentPlan.objects.exists()


def test_the_form_names_esketamine_at_home(eligible_patient, prescriber, client_for):
    url = reverse("plans:create", kwargs={"public_id": eligible_patient.public_id})
    response = client_for(prescriber).post(
        url,
        form_data(route="intranasal_esketamine", setting="at_home", protocol_id="fake-esketamine"),
    )
    assert response.status_code == 400
    assert "Setting: Esketamine is given in office only" in response.content.decode()


def test_the_form_refuses_a_patient_without_an_eligible_screening(patient, prescriber, client_for):
    url = reverse("plans:create", kwargs={"public_id": patient.public_id})
    assert "No signed, eligible screening" in client_for(prescriber).get(url).content.decode()
    response = client_for(prescriber).post(url, form_data())
    assert response.status_code == 400
    assert "no signed screening" in response.content.decode()


def test_a_prescriber_writes_signs_and_sees_the_schedule(eligible_patient, prescriber, client_for):
    client = client_for(prescriber)
    url = reverse("plans:create", kwargs={"public_id": eligible_patient.public_id})
    assert client.post(url, form_data()).status_code == 302
    plan = TreatmentPlan.objects.get()
    response = client.post(
        reverse("plans:activate", kwargs={"public_id": eligible_patient.public_id}),
        {"plan": plan.pk, "version": plan.version, "password": PASSWORD},
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:patient", kwargs={"public_id": eligible_patient.public_id}))
    assert page.content.decode().count('data-kind="dosing"') == 2
    chart = client.get(reverse("patients:chart", kwargs={"public_id": eligible_patient.public_id}))
    assert "Fake IV series" in chart.content.decode()


def test_moving_through_the_page_names_a_missing_reason(
    eligible_patient, make_plan, nurse, client_for
):
    plan = make_plan(eligible_patient, activate=True)
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    prefix = f"m{dose.pk}"
    response = client_for(nurse).post(
        reverse("plans:move", kwargs={"public_id": eligible_patient.public_id}),
        {
            "appointment_id": dose.pk,
            f"{prefix}-appointment": dose.pk,
            f"{prefix}-version": dose.version,
            f"{prefix}-starts_at": "2099-03-04T10:30",
            f"{prefix}-reason": "",
        },
    )
    assert response.status_code == 400
    assert "Reason for the move: This field is required." in response.content.decode()
    dose.refresh_from_db()
    assert dose.status == "scheduled"


def test_a_stale_move_through_the_page_answers_conflict(
    eligible_patient, make_plan, nurse, client_for
):
    plan = make_plan(eligible_patient, activate=True)
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    prefix = f"m{dose.pk}"
    response = client_for(nurse).post(
        reverse("plans:move", kwargs={"public_id": eligible_patient.public_id}),
        {
            "appointment_id": dose.pk,
            f"{prefix}-appointment": dose.pk,
            f"{prefix}-version": dose.version + 1,
            f"{prefix}-starts_at": "2099-03-04T10:30",
            f"{prefix}-reason": "Patient asked",
        },
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()


def test_the_form_names_every_wrong_field_at_once(eligible_patient, prescriber, client_for):
    url = reverse("plans:create", kwargs={"public_id": eligible_patient.public_id})
    response = client_for(prescriber).post(
        url,
        {"indication_code": "F99.99", "route": "intranasal_esketamine", "setting": "at_home"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Indication (ICD-10-CM code): &#x27;F99.99&#x27; is not an ICD-10-CM code." in body
    assert "Setting: Esketamine is given in office only" in body
    assert "Protocol: This field is required." in body
