from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def dose(eligible_patient, make_plan):
    plan = make_plan(eligible_patient, activate=True)
    return Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)


def test_it_cancels_with_a_reason(dose, nurse):
    services.appointment_cancel(
        actor=nurse, appointment=dose, expected_version=dose.version, reason="Patient unwell"
    )
    dose.refresh_from_db()
    assert dose.status == "cancelled"
    assert dose.status_reason == "Patient unwell"


def test_it_refuses_a_cancellation_without_a_reason(dose, nurse):
    with pytest.raises(ValidationError) as refused:
        services.appointment_cancel(
            actor=nurse, appointment=dose, expected_version=dose.version, reason=""
        )
    assert "reason" in refused.value.message_dict
    dose.refresh_from_db()
    assert dose.status == "scheduled"


def test_a_cancelled_appointment_cannot_be_moved(dose, nurse):
    services.appointment_cancel(
        actor=nurse, appointment=dose, expected_version=dose.version, reason="Unwell"
    )
    dose.refresh_from_db()
    with pytest.raises(ValidationError):
        services.appointment_move(
            actor=nurse,
            appointment=dose,
            expected_version=dose.version,
            starts_at=dose.starts_at + timedelta(days=1),
            reason="Rebook",
        )


def test_a_stale_cancellation_is_refused(dose, nurse, prescriber):
    stale = dose.version
    services.appointment_move(
        actor=prescriber,
        appointment=dose,
        expected_version=stale,
        starts_at=dose.starts_at + timedelta(hours=1),
        reason="Moved first",
    )
    dose.refresh_from_db()
    with pytest.raises(services.PlanConflict):
        services.appointment_cancel(
            actor=nurse, appointment=dose, expected_version=stale, reason="Cancel"
        )
    dose.refresh_from_db()
    assert dose.status == "moved"


def test_stopping_the_plan_cancels_its_open_appointments(dose, prescriber):
    plan = dose.plan
    services.plan_stop(
        actor=prescriber, plan=plan, expected_version=plan.version, reason="Patient declined"
    )
    assert set(Appointment.objects.filter(plan=plan).values_list("status", flat=True)) == {
        "cancelled"
    }
    plan.refresh_from_db()
    assert plan.status == "stopped" and plan.stop_reason == "Patient declined"


def test_it_refuses_to_cancel_an_appointment_already_missed(dose, nurse):
    from django.utils import timezone

    Appointment.objects.filter(pk=dose.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    dose.refresh_from_db()
    services.appointment_mark_missed(actor=nurse, appointment=dose, expected_version=dose.version)
    dose.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.appointment_cancel(
            actor=nurse, appointment=dose, expected_version=dose.version, reason="Tidy up"
        )
    assert "already missed" in " ".join(refused.value.messages)
    dose.refresh_from_db()
    assert dose.status == "missed"
