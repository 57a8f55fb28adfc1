"""Minimal rows for the self-audit's database tests: screenings, plans, dosing sessions,
integration appointments and notes, questionnaires and consents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from openkap.accounts.models import User
from openkap.consent.models import ConsentDocument, SignedConsent, body_sha256
from openkap.dosing.models import DosingSession
from openkap.integration.models import IntegrationNote
from openkap.outcomes.models import QuestionnaireAssignment
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.screening.models import QuestionnaireResponse, Screening


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def screening(patient: Patient, user: User, signed_at: datetime | None) -> Screening:
    return Screening.objects.create(
        patient=patient,
        status="signed" if signed_at else "draft",
        engine_input={},
        engine_output={},
        engine_decision="eligible",
        rule_pack="test",
        evaluated_at=signed_at or timezone.now(),
        evaluated_by=user,
        final_decision="eligible" if signed_at else "",
        signed_at=signed_at,
        signed_by=user if signed_at else None,
        created_by=user,
    )


def plan(
    patient: Patient,
    user: User,
    *,
    signed_at: datetime | None = None,
    status: str = "active",
    route: str = "im",
    protocol: str = "kap-im",
    setting: str = "in_office",
) -> TreatmentPlan:
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=screening(patient, user, signed_at),
        indication_code="F33.1",
        route=route,
        setting=setting,
        psychotherapy="cbt",
        format="individual",
        protocol_id=protocol,
        protocol_name=protocol,
        start_date=timezone.localdate(),
        status=status,
        created_by=user,
    )


def appointment(
    treatment: TreatmentPlan, kind: str, starts_at: datetime, **fields: Any
) -> Appointment:
    return Appointment.objects.create(
        plan=treatment,
        patient=treatment.patient,
        kind=kind,
        label=kind,
        protocol_day=0,
        starts_at=starts_at,
        duration_minutes=60,
        **fields,
    )


def session(
    treatment: TreatmentPlan, user: User, starts_at: datetime, *, signed: bool = True
) -> DosingSession:
    return DosingSession.objects.create(
        appointment=appointment(treatment, "dosing", starts_at, dose_number=1),
        plan=treatment,
        patient=treatment.patient,
        protocol_id=treatment.protocol_id,
        status="signed" if signed else "gate",
        gate_outcome="pass",
        gate_data_version="test",
        gate_recorded_at=starts_at,
        gate_recorded_by=user,
        dose_started_at=starts_at + timedelta(minutes=10),
        signed_at=starts_at + timedelta(hours=2) if signed else None,
        signed_by=user if signed else None,
    )


def signed_integration_note(
    treatment: TreatmentPlan, user: User, starts_at: datetime, dosing: DosingSession | None
) -> IntegrationNote:
    return IntegrationNote.objects.create(
        patient=treatment.patient,
        appointment=appointment(treatment, "integration", starts_at),
        dosing_session=dosing,
        themes="t",
        status="signed",
        created_by=user,
        signed_at=starts_at,
        signed_by=user,
    )


def assignment(
    patient: Patient, user: User, due: datetime, *, answered: bool = False, withdrawn: bool = False
) -> QuestionnaireAssignment:
    response = (
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument_id="phq9",
            instrument_name="PHQ-9",
            answers=[],
            score={},
            completed_at=due,
            recorded_by=user,
        )
        if answered
        else None
    )
    return QuestionnaireAssignment.objects.create(
        patient=patient,
        instrument_id="phq9",
        due_at=due,
        reason="weekly",
        response=response,
        withdrawn_at=due if withdrawn else None,
    )


def treatment_consent(patient: Patient, user: User) -> SignedConsent:
    document = ConsentDocument.objects.filter(
        clinic=patient.clinic, kind="ketamine_treatment"
    ).first()
    if document is None:
        document = ConsentDocument.objects.create(
            clinic=patient.clinic,
            kind="ketamine_treatment",
            version=1,
            title="Ketamine treatment",
            body="text",
            body_sha256=body_sha256("text"),
            basis="test",
        )
    return SignedConsent.objects.create(
        patient=patient,
        document=document,
        kind=document.kind,
        version=document.version,
        title=document.title,
        signed_body=document.body,
        signed_body_sha256=document.body_sha256,
        typed_name="Test Patient",
        understood=True,
        method=SignedConsent.Method.TABLET,
        signed_at=timezone.now(),
        signed_in_user=user,
    )
