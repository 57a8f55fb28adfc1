"""Integration test records: an active plan with a dosing appointment (dose 1, with its session) and
the integration appointment that follows it, made directly (the plans' and dosing's own tests cover
how they come about)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.dosing.models import DosingSession, GateOutcome, SessionStatus
from openkap.integration import services
from openkap.integration.models import IntegrationNote, PsychotherapyNote
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening, signing_request

__all__ = ["PASSWORD", "signing_request"]


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.integration", clinic, Role.PRESCRIBER)


@pytest.fixture
def therapist(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("therapist.integration", clinic, Role.THERAPIST)


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("nurse.integration", clinic, Role.NURSE)


def active_plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    now = timezone.now()
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=sign_screening(patient, prescriber, route="iv", setting="in_office"),
        indication_code="F33.1",
        route="iv",
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id="iv-racemic-ketamine",
        protocol_name="IV racemic ketamine",
        start_date=timezone.localdate() - timedelta(days=2),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
        signed_at=now,
        signed_by=prescriber,
    )


@pytest.fixture
def plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    return active_plan(patient, prescriber)


@pytest.fixture
def dosing_session(plan: TreatmentPlan, prescriber: User) -> DosingSession:
    started = timezone.now() - timedelta(days=1)
    appointment = Appointment.objects.create(
        plan=plan,
        patient=plan.patient,
        kind=AppointmentKind.DOSING,
        label="Induction, dose 1",
        dose_number=1,
        protocol_day=1,
        starts_at=started,
        duration_minutes=120,
    )
    return DosingSession.objects.create(
        appointment=appointment,
        plan=plan,
        patient=plan.patient,
        protocol_id=plan.protocol_id,
        status=SessionStatus.READY,
        gate_outcome=GateOutcome.PASS,
        gate_data_version="test",
        gate_recorded_at=started,
        gate_recorded_by=prescriber,
        dose_started_at=started,
    )


def integration_appointment(
    plan: TreatmentPlan, *, dose_number: int | None = 1, starts_in: timedelta | None = None
) -> Appointment:
    return Appointment.objects.create(
        plan=plan,
        patient=plan.patient,
        kind=AppointmentKind.INTEGRATION,
        label=f"Integration after dose {dose_number}",
        dose_number=dose_number,
        protocol_day=2,
        starts_at=timezone.now() + (starts_in or timedelta(hours=-1)),
        duration_minutes=60,
    )


@pytest.fixture
def appointment(plan: TreatmentPlan, dosing_session: DosingSession) -> Appointment:
    """An integration session that took place an hour ago, after dose 1."""
    return integration_appointment(plan)


@pytest.fixture
def draft(appointment: Appointment, therapist: User) -> IntegrationNote:
    return services.integration_note_create(
        actor=therapist,
        appointment=appointment,
        themes="Felt a sense of connection with her late father",
        goals="Call her sister weekly",
        follow_up="Review the journal next session",
    )


@pytest.fixture
def signed(draft: IntegrationNote, therapist: User) -> IntegrationNote:
    return services.integration_note_sign(
        actor=therapist,
        note=draft,
        expected_version=draft.version,
        password=PASSWORD,
        request=signing_request(therapist),
    )


SECRET = "Disclosed a childhood memory of the lake house, first time ever"


@pytest.fixture
def private_note(patient: Patient, therapist: User) -> PsychotherapyNote:
    return services.psychotherapy_note_write(actor=therapist, patient=patient, text=SECRET)
