"""Bad intake input: a clear error naming the field, next to it, and nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.patients.models import Patient
from openkap.screening.models import Measurement, Medication, Problem

pytestmark = pytest.mark.django_db


def _post(client: Client, patient: Patient, name: str, data: dict[str, str]) -> Any:
    return client.post(reverse(f"screening:{name}", kwargs={"public_id": patient.public_id}), data)


def test_it_rejects_an_implausible_weight_naming_the_field(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"weight": "7500", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_weight_error"' in body
    assert "Weight: 7500 kg is not plausible" in body
    assert not Measurement.objects.exists()


def test_it_rejects_a_weight_in_pounds_that_is_implausible_once_converted(
    client_for, prescriber, patient
):
    # 1000 lb is 453.6 kg: beyond what the page accepts as a typed weight.
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"weight": "1000", "weight_unit": "lb", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Weight: 453.59 kg is not plausible" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_rejects_an_implausible_systolic_pressure(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"systolic": "400", "diastolic": "90", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Systolic (mmHg): 400 mmHg is not plausible" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_rejects_a_diastolic_pressure_above_the_systolic(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"systolic": "80", "diastolic": "120", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Diastolic (mmHg): The diastolic pressure must be below the systolic." in (
        response.content.decode()
    )
    assert not Measurement.objects.exists()


def test_it_rejects_half_a_blood_pressure(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"systolic": "130", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Diastolic (mmHg): Enter both blood pressure values, or neither." in (
        response.content.decode()
    )
    assert not Measurement.objects.exists()


def test_it_rejects_a_heart_rate_that_is_not_a_number(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"heart_rate": "fast", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Heart rate (/min): Enter a whole number." in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_rejects_an_spo2_above_100_percent(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"spo2": "104", "weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "SpO2 (%): 104 % is not plausible" in response.content.decode()


def test_it_rejects_an_empty_reading(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "measurement_add",
        {"weight_unit": "kg", "height_unit": "cm"},
    )
    assert response.status_code == 400
    assert "Enter at least one measurement." in response.content.decode()


def test_it_rejects_a_code_that_is_not_icd10cm(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber), patient, "problem_add", {"code": "Q99.999", "status": "active"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_code_error"' in body
    assert "ICD-10-CM code: &#x27;Q99.999&#x27; is not an ICD-10-CM code." in body
    assert not Problem.objects.exists()


def test_it_rejects_a_problem_onset_in_the_future(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber),
        patient,
        "problem_add",
        {"code": "F33.1", "status": "active", "onset": "2999-01-01"},
    )
    assert response.status_code == 400
    assert "Onset: The onset cannot be in the future." in response.content.decode()
    assert not Problem.objects.exists()


def test_it_rejects_a_medication_without_a_name(client_for, prescriber, patient):
    response = _post(
        client_for(prescriber), patient, "medication_add", {"dose": "1 mg", "frequency": "daily"}
    )
    assert response.status_code == 400
    assert "Generic name: This field is required." in response.content.decode()
    assert not Medication.objects.exists()
