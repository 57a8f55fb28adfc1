"""Refused access is audited (ASVS 16.3.2): a 403 for a role, a 404 for another clinic's patient."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def test_it_audits_a_page_refused_to_the_role(clinic, make_staff, client_for):
    therapist = make_staff("thera", clinic, Role.THERAPIST)
    response = client_for(therapist).get(reverse("patients:register"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert (event.user, event.clinic, event.category) == (
        therapist,
        clinic,
        Category.ACCESS_CONTROL,
    )
    assert event.detail == {"status": 403, "view": "patients:register"}


def test_it_audits_an_attempt_on_another_clinics_patient_without_revealing_it(
    clinic, other_clinic, make_staff, make_patient, client_for
):
    outsider = make_staff("outsider", clinic, Role.NURSE)
    elsewhere = make_patient(other_clinic, legal_family_name="Hidden")
    response = client_for(outsider).get(
        reverse("patients:chart", kwargs={"public_id": elsewhere.public_id})
    )
    assert response.status_code == 404
    assert b"Hidden" not in response.content
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert (event.user, event.object_type, event.object_id) == (
        outsider,
        "patient",
        str(elsewhere.public_id),
    )
    assert event.patient is None  # the row itself does not link the patient to this clinic's trail
    assert event.detail["status"] == 404


def test_it_audits_a_guessed_id_that_matches_nobody(clinic, make_staff, client_for):
    nurse = make_staff("nurse", clinic, Role.NURSE)
    guess = uuid.uuid4()
    assert (
        client_for(nurse).get(reverse("patients:chart", kwargs={"public_id": guess})).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, object_id=str(guess)).exists()


def test_it_does_not_audit_an_ordinary_missing_page(clinic, make_staff, client_for):
    nurse = make_staff("nurse", clinic, Role.NURSE)
    assert client_for(nurse).get("/no-such-page/").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()
