"""Appointments made directly for the portal's calendar tests (the plans' own tests cover how a plan
is signed and its schedule generated)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from openkap.accounts.models import User
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening


def active_plan(patient: Patient, prescriber: User, setting: str = "in_office") -> TreatmentPlan:
    route = "iv" if setting == "in_office" else "sublingual"
    screening = sign_screening(patient, prescriber, route=route, setting=setting)
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F33.1",
        route=route,
        setting=setting,
        psychotherapy="cbt",
        format="individual",
        protocol_id="test-protocol",
        protocol_name="Secret protocol name",
        start_date=timezone.localdate(),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
        signed_at=timezone.now(),
        signed_by=prescriber,
    )


def appointment(
    plan: TreatmentPlan,
    kind: str,
    starts_at: datetime | None = None,
    *,
    status: str = "scheduled",
    label: str = "",
) -> Appointment:
    return Appointment.objects.create(
        plan=plan,
        patient=plan.patient,
        kind=kind,
        label=label or f"{kind} label 0.5 mg/kg",
        dose_number=1 if kind in ("dosing", "integration") else None,
        protocol_day=0,
        starts_at=starts_at or timezone.now() + timedelta(days=2),
        duration_minutes=120 if kind == "dosing" else 60,
        status=status,
    )
