"""A prescriber's override of a soft stop: prescriber only, with a reason and their password; never
over a hard stop."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent
from openkap.dosing.models import DosingSession, GateOverride
from openkap.dosing.services import DosingConflict, dosing_gate_override, dosing_gate_record
from openkap.dosing.tests.conftest import PASSWORD, good_answers, password_request
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def soft_stopped(appointment: Appointment, consented: object, nurse: User) -> DosingSession:
    return dosing_gate_record(
        actor=nurse,
        appointment=appointment,
        nurse=good_answers(suicide_check="positive"),
        expected_version=0,
    )


def _override(session: DosingSession, user: User, **changes: object) -> GateOverride:
    fields: dict[str, object] = {
        "reason": "Reviewed with the patient: passive thoughts, safety plan in place.",
        "password": PASSWORD,
        "expected_version": session.version,
    }
    fields.update(changes)
    return dosing_gate_override(
        request=password_request(user),
        actor=user,
        session=session,
        **fields,  # type: ignore[arg-type]
    )


def test_it_clears_a_soft_stop_and_records_who_why_and_which_items(
    soft_stopped: DosingSession, prescriber: User
) -> None:
    override = _override(soft_stopped, prescriber)
    assert override.overridden_by == prescriber
    assert override.items == ["suicide_check"]
    assert "safety plan" in override.reason
    assert DosingSession.objects.get().status == "ready"


def test_it_refuses_a_nurse(soft_stopped: DosingSession, nurse: User) -> None:
    with pytest.raises(PermissionDenied):
        _override(soft_stopped, nurse)
    assert not GateOverride.objects.exists()


def test_it_needs_a_reason(soft_stopped: DosingSession, prescriber: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _override(soft_stopped, prescriber, reason="   ")
    assert "reason" in caught.value.message_dict
    assert DosingSession.objects.get().status == "gate"


def test_it_needs_the_correct_password(soft_stopped: DosingSession, prescriber: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _override(soft_stopped, prescriber, password="wrong-password")
    assert "password" in caught.value.message_dict
    assert not GateOverride.objects.exists()
    # Counted towards the lockout and audited, although nothing was overridden.
    assert AccessAttempt.objects.filter(username=prescriber.username).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, detail__reason="password refused"
    ).exists()


def test_it_never_overrides_a_hard_stop(
    appointment: Appointment, consented: object, nurse: User, prescriber: User
) -> None:
    session = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(escort_name=""), expected_version=0
    )
    assert session.gate_outcome == "hard_stop"
    with pytest.raises(ValidationError, match="cannot be overridden"):
        _override(session, prescriber)
    assert DosingSession.objects.get().status == "gate"


def test_it_never_overrides_a_missing_item(
    appointment: Appointment, consented: object, nurse: User, prescriber: User
) -> None:
    session = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(spo2=None), expected_version=0
    )
    with pytest.raises(ValidationError):
        _override(session, prescriber)
    assert not GateOverride.objects.exists()


def test_it_refuses_a_stale_version(
    soft_stopped: DosingSession, prescriber: User, nurse: User
) -> None:
    dosing_gate_record(
        actor=nurse,
        appointment=soft_stopped.appointment,
        nurse=good_answers(suicide_check="positive"),
        expected_version=soft_stopped.version,
    )
    with pytest.raises(DosingConflict):
        _override(soft_stopped, prescriber)
    assert not GateOverride.objects.exists()
