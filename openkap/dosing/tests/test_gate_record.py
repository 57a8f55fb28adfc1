"""Recording the BEFORE gate: the chart's data and the nurse's answers decide the session's state."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import Role, User
from openkap.audit.models import AuditEvent, Category
from openkap.dosing.models import DosingSession
from openkap.dosing.services import DosingConflict, dosing_gate_record
from openkap.dosing.tests.conftest import good_answers
from openkap.plans.models import Appointment, AppointmentKind

pytestmark = pytest.mark.django_db


def test_it_makes_a_session_ready_to_dose_when_every_item_passes(
    appointment: Appointment, consented: object, nurse: User
) -> None:
    session = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(), expected_version=0
    )
    assert session.gate_outcome == "pass"
    assert session.status == "ready"
    assert session.agreed_signal == "Raise a hand"
    assert AuditEvent.objects.filter(category=Category.DOSING, object_id=str(session.pk)).exists()


def test_it_hard_stops_when_consent_is_not_signed(appointment: Appointment, nurse: User) -> None:
    session = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(), expected_version=0
    )
    consent = next(item for item in session.gate_items if item["id"] == "consent")
    assert consent["status"] == "hard_stop"
    assert session.status == "gate"


def test_it_leaves_a_soft_stop_at_the_gate(
    appointment: Appointment, consented: object, nurse: User
) -> None:
    session = dosing_gate_record(
        actor=nurse,
        appointment=appointment,
        nurse=good_answers(suicide_check="positive"),
        expected_version=0,
    )
    assert (session.gate_outcome, session.status) == ("soft_stop", "gate")


def test_it_lets_the_gate_be_recorded_again_with_the_current_version(
    appointment: Appointment, consented: object, nurse: User
) -> None:
    first = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(fasting=None), expected_version=0
    )
    second = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(), expected_version=first.version
    )
    assert second.pk == first.pk
    assert second.version == first.version + 1
    assert second.status == "ready"


def test_it_refuses_a_stale_version(
    appointment: Appointment, consented: object, nurse: User
) -> None:
    first = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(fasting=None), expected_version=0
    )
    dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(fasting=None), expected_version=1
    )
    with pytest.raises(DosingConflict):
        dosing_gate_record(
            actor=nurse,
            appointment=appointment,
            nurse=good_answers(),
            expected_version=first.version,
        )
    assert DosingSession.objects.get().status == "gate"


def test_it_refuses_a_therapist(
    appointment: Appointment, clinic: object, make_staff: object
) -> None:
    therapist = make_staff("therapist.dosing", clinic, Role.THERAPIST)  # type: ignore[operator]
    with pytest.raises(PermissionDenied):
        dosing_gate_record(
            actor=therapist, appointment=appointment, nurse=good_answers(), expected_version=0
        )
    assert not DosingSession.objects.exists()


def test_it_refuses_an_appointment_that_is_not_a_dosing_session(
    appointment: Appointment, nurse: User
) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(kind=AppointmentKind.INTEGRATION)
    with pytest.raises(ValidationError, match="not a dosing session"):
        dosing_gate_record(
            actor=nurse, appointment=appointment, nurse=good_answers(), expected_version=0
        )
    assert not DosingSession.objects.exists()
