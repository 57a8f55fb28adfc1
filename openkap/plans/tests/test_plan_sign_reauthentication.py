"""Signing a plan asks for the prescriber's password again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from openkap.audit.models import AuditEvent
from openkap.plans import services
from openkap.plans.models import Appointment
from openkap.plans.tests.factories import signing_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(eligible_patient, make_plan):
    return make_plan(eligible_patient)


def _sign(client, plan, password: str):
    return client.post(
        reverse("plans:activate", kwargs={"public_id": plan.patient.public_id}),
        {"plan": plan.pk, "version": plan.version, "password": password},
    )


def test_it_refuses_a_wrong_password_signs_nothing_and_audits_it(draft, prescriber, client_for):
    response = _sign(client_for(prescriber), draft, "not-my-password")
    assert response.status_code == 400
    assert "Your password: The password is not right. Nothing was signed." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.signed_at is None
    assert not Appointment.objects.filter(plan=draft).exists()
    refused = AuditEvent.objects.get(action="access_denied", object_type="treatment_plan")
    assert refused.user == prescriber and refused.patient == draft.patient
    assert AuditEvent.objects.filter(action="login_failed", username=prescriber.username).exists()


def test_it_names_a_missing_password(draft, prescriber, client_for):
    response = _sign(client_for(prescriber), draft, "")
    assert response.status_code == 400
    assert "Your password: Give your password to sign." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_it_signs_with_the_right_password(draft, prescriber, client_for):
    assert _sign(client_for(prescriber), draft, PASSWORD).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active" and draft.signed_by == prescriber
    assert Appointment.objects.filter(plan=draft).exists()


def test_the_service_refuses_a_wrong_password(draft, prescriber):
    with pytest.raises(ValidationError) as refused:
        services.plan_activate(
            request=signing_request(prescriber),
            actor=prescriber,
            plan=draft,
            expected_version=draft.version,
            password=PASSWORD + "x",
        )
    assert "password" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == "draft"
