"""Minimal rows for the reports' tests: questionnaires, and dosing sessions with their plan."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.safety.models import AdverseEvent
from openkap.screening.models import QuestionnaireResponse, Screening


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC).replace(
        hour=hour
    )


def questionnaire(
    patient: Patient, user: User, instrument_id: str, total: int, when: datetime
) -> QuestionnaireResponse:
    return QuestionnaireResponse.objects.create(
        patient=patient,
        instrument_id=instrument_id,
        instrument_name=instrument_id,
        answers=[],
        total=total,
        score={},
        completed_at=when,
        recorded_by=user,
    )


def plan(
    patient: Patient,
    user: User,
    *,
    route: str = "im",
    protocol: str = "kap-im",
    indication: str = "F33.1",
) -> TreatmentPlan:
    screening = Screening.objects.create(
        patient=patient,
        status="signed",
        engine_input={},
        engine_output={},
        engine_decision="eligible",
        rule_pack="test",
        evaluated_at=at("2026-01-01"),
        evaluated_by=user,
        final_decision="eligible",
        signed_at=at("2026-01-01"),
        signed_by=user,
        created_by=user,
    )
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code=indication,
        route=route,
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id=protocol,
        protocol_name=protocol,
        start_date=date(2026, 1, 2),
        status="completed",
        created_by=user,
    )


def session(
    treatment: TreatmentPlan, user: User, started: datetime | None, *terms: str
) -> DosingSession:
    appointment = Appointment.objects.create(
        plan=treatment,
        patient=treatment.patient,
        kind="dosing",
        label="Dose",
        protocol_day=0,
        starts_at=started or at("2026-01-05"),
        duration_minutes=120,
    )
    dosing = DosingSession.objects.create(
        appointment=appointment,
        plan=treatment,
        patient=treatment.patient,
        protocol_id=treatment.protocol_id,
        status="signed" if started else "gate",
        gate_outcome="pass" if started else "hard_stop",
        gate_data_version="test",
        gate_recorded_at=started or at("2026-01-05"),
        gate_recorded_by=user,
        dose_started_at=started,
        signed_at=started,
        signed_by=user if started else None,
    )
    for term in terms:
        event(treatment.patient, user, term, dosing)
    return dosing


def event(patient: Patient, user: User, term: str, dosing: DosingSession | None) -> AdverseEvent:
    return AdverseEvent.objects.create(
        patient=patient,
        session=dosing,
        source="session" if dosing else "patient",
        term=term,
        severity="mild",
        onset_at=at("2026-01-05"),
        reported_at=at("2026-01-05"),
        reported_by=user,
    )


def unique() -> str:
    return uuid.uuid4().hex[:8]
