"""Recording that a preparation, integration or reassessment session took place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent
from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


def _past(appointment: Appointment) -> Appointment:
    # Its time has come: an outcome is only recorded once the appointment has started.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    appointment.refresh_from_db()
    return appointment


@pytest.fixture
def plan(eligible_patient, make_plan):
    return make_plan(eligible_patient, activate=True)


@pytest.fixture
def preparation(plan):
    return _past(Appointment.objects.get(plan=plan, kind="preparation"))


def test_it_marks_a_preparation_session_done_and_audits_it(preparation, nurse):
    version = preparation.version
    services.appointment_complete(
        actor=nurse, appointment=preparation, expected_version=version, note="Went well"
    )
    preparation.refresh_from_db()
    assert preparation.status == "done"
    assert preparation.status_reason == "Went well"
    assert preparation.version == version + 1
    row = AuditEvent.objects.get(object_type="appointment", object_id=str(preparation.pk))
    assert row.action == "update" and row.user == nurse
    assert row.detail == {"fields": ["status"], "status": "done"}


def test_it_refuses_to_mark_a_dosing_session_done(plan, nurse):
    dose = _past(Appointment.objects.get(plan=plan, kind="dosing", dose_number=1))
    with pytest.raises(ValidationError) as refused:
        services.appointment_complete(actor=nurse, appointment=dose, expected_version=dose.version)
    assert "dosing session" in " ".join(refused.value.messages)
    dose.refresh_from_db()
    assert dose.status == "scheduled"
    assert not AuditEvent.objects.filter(object_type="appointment").exists()


def test_it_refuses_an_appointment_that_has_not_started(plan, nurse):
    integration = Appointment.objects.filter(plan=plan, kind="integration").order_by("pk")[0]
    assert integration.starts_at > timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.appointment_complete(
            actor=nurse, appointment=integration, expected_version=integration.version
        )
    assert "has not started yet" in " ".join(refused.value.messages)
    integration.refresh_from_db()
    assert integration.status == "scheduled"


def test_it_refuses_an_appointment_already_closed(preparation, nurse):
    services.appointment_cancel(
        actor=nurse,
        appointment=preparation,
        expected_version=preparation.version,
        reason="Clinic closed",
    )
    preparation.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.appointment_complete(
            actor=nurse, appointment=preparation, expected_version=preparation.version
        )
    assert "already cancelled" in " ".join(refused.value.messages)
    preparation.refresh_from_db()
    assert preparation.status == "cancelled"


def test_it_refuses_a_stale_version(preparation, nurse, prescriber):
    stale = preparation.version
    services.appointment_assign(
        actor=prescriber, appointment=preparation, expected_version=stale, clinician=prescriber
    )
    preparation.refresh_from_db()
    with pytest.raises(services.PlanConflict):
        services.appointment_complete(actor=nurse, appointment=preparation, expected_version=stale)
    preparation.refresh_from_db()
    assert preparation.status == "scheduled"


def test_it_refuses_a_role_without_schedule_edit(preparation, make_staff, clinic):
    billing = make_staff("billing.person", clinic, Role.BILLING)
    with pytest.raises(PermissionDenied):
        services.appointment_complete(
            actor=billing, appointment=preparation, expected_version=preparation.version
        )
    preparation.refresh_from_db()
    assert preparation.status == "scheduled"
