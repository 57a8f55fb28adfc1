from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent
from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(eligible_patient, make_plan):
    return make_plan(eligible_patient, activate=True)


def test_moving_a_dosing_session_moves_its_integration_by_the_same_amount(plan, nurse):
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    integration = Appointment.objects.get(plan=plan, kind="integration", dose_number=1)
    other = Appointment.objects.get(plan=plan, kind="integration", dose_number=2)
    before_integration, before_other = integration.starts_at, other.starts_at

    moved = services.appointment_move(
        actor=nurse,
        appointment=dose,
        expected_version=dose.version,
        starts_at=dose.starts_at + timedelta(days=1, hours=2),
        reason="Patient asked",
    )

    integration.refresh_from_db()
    other.refresh_from_db()
    assert {a.pk for a in moved} == {dose.pk, integration.pk}
    assert integration.starts_at == before_integration + timedelta(days=1, hours=2)
    assert integration.status == "moved"
    assert other.starts_at == before_other
    assert dose.status == "moved" and dose.status_reason == "Patient asked"


def test_an_integration_cannot_move_before_the_end_of_its_dose(plan, nurse):
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    integration = Appointment.objects.get(plan=plan, kind="integration", dose_number=1)
    with pytest.raises(ValidationError) as refused:
        services.appointment_move(
            actor=nurse,
            appointment=integration,
            expected_version=integration.version,
            starts_at=dose.starts_at + timedelta(minutes=30),
            reason="Earlier",
        )
    assert "starts_at" in refused.value.message_dict
    integration.refresh_from_db()
    assert integration.status == "scheduled"


def test_it_refuses_a_move_without_a_reason_or_into_the_past(plan, nurse):
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    with pytest.raises(ValidationError) as refused:
        services.appointment_move(
            actor=nurse,
            appointment=dose,
            expected_version=dose.version,
            starts_at=dose.starts_at.replace(year=2001),
            reason=" ",
        )
    assert set(refused.value.message_dict) == {"reason", "starts_at"}


def test_a_stale_version_is_refused_and_nothing_changes(plan, nurse, prescriber):
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    stale = dose.version
    services.appointment_move(
        actor=prescriber,
        appointment=dose,
        expected_version=stale,
        starts_at=dose.starts_at + timedelta(hours=1),
        reason="First change",
    )
    dose.refresh_from_db()
    kept = dose.starts_at
    with pytest.raises(services.PlanConflict):
        services.appointment_move(
            actor=nurse,
            appointment=dose,
            expected_version=stale,
            starts_at=dose.starts_at + timedelta(hours=3),
            reason="Second change",
        )
    dose.refresh_from_db()
    assert dose.starts_at == kept
    assert dose.status_reason == "First change"


def test_a_move_is_audited(plan, nurse):
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=2)
    services.appointment_move(
        actor=nurse,
        appointment=dose,
        expected_version=dose.version,
        starts_at=dose.starts_at + timedelta(hours=1),
        reason="Clinic closed",
    )
    event = AuditEvent.objects.filter(object_type="appointment", object_id=str(dose.pk)).get()
    assert event.category == "plans"
    assert event.user == nurse
    assert event.patient == plan.patient
