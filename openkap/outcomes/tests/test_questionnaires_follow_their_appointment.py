"""A questionnaire tied to an appointment (before a dose, the day after, at reassessment) follows it:
moving the appointment withdraws the one due at the old time and assigns one at the new time;
cancelling it withdraws them. Withdrawn ones are kept (with the reason), never shown as open, never
reminded; answered ones never change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.outcomes.models import QuestionnaireAssignment
from openkap.outcomes.selectors import assignments_upcoming
from openkap.outcomes.services import assignments_schedule
from openkap.plans.models import Appointment
from openkap.plans.services import appointment_cancel, appointment_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_desk(clinic, make_staff):
    return make_staff("desk.follow", clinic, Role.FRONT_DESK)


@pytest.fixture
def scheduled(active_plan, nurse):
    assignments_schedule(actor=nurse, plan=active_plan)
    return active_plan


def _first_dose(plan) -> Appointment:
    return Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)


def _open_for(appointment: Appointment):
    return QuestionnaireAssignment.objects.filter(
        appointment=appointment, response__isnull=True, withdrawn_at__isnull=True
    )


def test_moving_a_dose_moves_its_questionnaires(scheduled, front_desk):
    dose = _first_dose(scheduled)
    before = {(a.instrument_id, a.reason): a.due_at for a in _open_for(dose)}
    assert before
    appointment_move(
        actor=front_desk,
        appointment=dose,
        expected_version=dose.version,
        starts_at=dose.starts_at + timedelta(days=2),
        reason="Patient asked",
    )
    after = {(a.instrument_id, a.reason): a.due_at for a in _open_for(dose)}
    assert set(after) == set(before)
    for key, due in after.items():
        assert due == before[key] + timedelta(days=2)


def test_the_old_ones_are_withdrawn_with_the_reason_not_deleted(scheduled, front_desk):
    dose = _first_dose(scheduled)
    old_ids = set(_open_for(dose).values_list("pk", flat=True))
    appointment_move(
        actor=front_desk,
        appointment=dose,
        expected_version=dose.version,
        starts_at=dose.starts_at + timedelta(days=2),
        reason="Patient asked",
    )
    old = QuestionnaireAssignment.objects.filter(pk__in=old_ids)
    assert old.count() == len(old_ids)
    assert all(a.withdrawn_at is not None and "moved" in a.withdrawn_reason for a in old)
    shown = {a.pk for a in assignments_upcoming(scheduled.patient)}
    assert not shown & old_ids


def test_cancelling_withdraws_them(scheduled, front_desk):
    dose = _first_dose(scheduled)
    appointment_cancel(
        actor=front_desk, appointment=dose, expected_version=dose.version, reason="Unwell"
    )
    assert not _open_for(dose).exists()
    withdrawn = QuestionnaireAssignment.objects.filter(appointment=dose)
    assert withdrawn.exists()
    assert all("cancelled" in a.withdrawn_reason for a in withdrawn)


def test_moving_back_restores_the_same_assignments(scheduled, front_desk):
    dose = _first_dose(scheduled)
    original = set(_open_for(dose).values_list("pk", flat=True))
    start = dose.starts_at
    appointment_move(
        actor=front_desk,
        appointment=dose,
        expected_version=dose.version,
        starts_at=start + timedelta(days=2),
        reason="Patient asked",
    )
    dose.refresh_from_db()
    appointment_move(
        actor=front_desk,
        appointment=dose,
        expected_version=dose.version,
        starts_at=start,
        reason="Back to the first time",
    )
    assert set(_open_for(dose).values_list("pk", flat=True)) == original


def test_an_answered_questionnaire_is_never_withdrawn(scheduled, front_desk, patient, nurse):
    from openkap.outcomes.services import response_submit

    dose = _first_dose(scheduled)
    answered = _open_for(dose).filter(instrument_id="phq9", reason="before_dosing").get()
    answered.due_at = timezone.now()
    answered.save(update_fields=["due_at"])
    response_submit(
        actor=nurse, patient=patient, instrument_id="phq9", answers=[0] * 9, assignment=answered
    )
    appointment_cancel(
        actor=front_desk, appointment=dose, expected_version=dose.version, reason="Unwell"
    )
    answered.refresh_from_db()
    assert answered.response_id is not None
    assert answered.withdrawn_at is None
