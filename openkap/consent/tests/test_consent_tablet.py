"""Signing on a clinic tablet: a staff member with PATIENT_EDIT opens it, the patient signs, the staff
member is recorded as witness; the patient is never in the URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.consent.models import SignedConsent
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db


def _start(client: Client, patient: Patient) -> Any:
    return client.post(
        reverse("consent:tablet_start", kwargs={"public_id": patient.public_id}),
        {"kind": "ketamine_treatment"},
    )


def test_the_patient_signs_and_the_staff_member_is_the_witness(client_for, staff, patient, publish):
    document = publish(patient.clinic)
    desk = staff[Role.FRONT_DESK]
    client = client_for(desk)
    response = _start(client, patient)
    assert response["Location"] == reverse("consent:tablet")
    page = client.get(reverse("consent:tablet"))
    assert page.status_code == 200
    assert str(patient.public_id) not in reverse("consent:tablet")
    done = client.post(
        reverse("consent:tablet"),
        {"document": document.pk, "understood": "on", "typed_name": patient.legal_name()},
    )
    assert done.status_code == 200
    assert "hand the tablet back" in done.content.decode()
    signed = SignedConsent.objects.get()
    assert signed.method == "tablet"
    assert signed.witness == desk
    assert signed.signed_in_user == desk
    assert signed.patient == patient
    # The tablet is done: a second post does not sign again.
    client.post(
        reverse("consent:tablet"),
        {"document": document.pk, "understood": "on", "typed_name": patient.legal_name()},
    )
    assert SignedConsent.objects.count() == 1


def test_the_tablet_refuses_a_wrong_name_with_an_error_on_the_field(
    client_for, staff, patient, publish
):
    document = publish(patient.clinic)
    client = client_for(staff[Role.NURSE])
    _start(client, patient)
    response = client.post(
        reverse("consent:tablet"),
        {"document": document.pk, "understood": "on", "typed_name": "Someone Else"},
    )
    assert response.status_code == 400
    assert "typed_name" in response.context["form"].errors
    assert not SignedConsent.objects.exists()


def test_a_therapist_cannot_open_the_tablet(client_for, staff, patient, publish):
    publish(patient.clinic)
    assert _start(client_for(staff[Role.THERAPIST]), patient).status_code == 403
