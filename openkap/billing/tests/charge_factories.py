"""Completed work made directly for the charge tests (the dosing and plans apps test how sessions
are signed and appointments done): a plan of a route, past appointments, a signed session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from openkap.accounts.models import User
from openkap.billing.models import Price, PriceItem
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening


def item(
    clinic_id: int,
    name: str,
    service: str,
    prices: list[tuple[date, str]],
    *,
    route: str = "",
    setting: str = "",
    codes: list[str] | None = None,
) -> PriceItem:
    made = PriceItem.objects.create(
        clinic_id=clinic_id,
        name=name,
        service=service,
        route=route,
        setting=setting,
        codes=codes or [],
    )
    for effective_from, amount in prices:
        Price.objects.create(item=made, amount=Decimal(amount), effective_from=effective_from)
    return made


def plan(
    patient: Patient, prescriber: User, *, route: str = "iv", indication: str = "F33.1"
) -> TreatmentPlan:
    screening = sign_screening(patient, prescriber)
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code=indication,
        route=route,
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id="test",
        protocol_name="Test series",
        start_date=timezone.localdate() - timedelta(days=60),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
    )


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def appointment(
    the_plan: TreatmentPlan, kind: str, day: date, *, done: bool = True, minutes: int = 60
) -> Appointment:
    return Appointment.objects.create(
        plan=the_plan,
        patient=the_plan.patient,
        kind=kind,
        label=kind.title(),
        protocol_day=0,
        starts_at=at(day),
        duration_minutes=minutes,
        status=AppointmentStatus.DONE if done else AppointmentStatus.SCHEDULED,
    )


def signed_session(
    the_plan: TreatmentPlan,
    prescriber: User,
    day: date,
    *,
    dose_mg: str = "35",
    minutes: int = 40,
    signed: bool = True,
) -> DosingSession:
    booked = appointment(the_plan, "dosing", day, done=signed)
    start = at(day, 10)
    return DosingSession.objects.create(
        appointment=booked,
        plan=the_plan,
        patient=the_plan.patient,
        protocol_id=the_plan.protocol_id,
        status=SessionStatus.SIGNED if signed else SessionStatus.IN_PROGRESS,
        gate_outcome="pass",
        gate_data_version="test",
        gate_recorded_at=start,
        gate_recorded_by=prescriber,
        dose_mg=Decimal(dose_mg),
        dose_started_at=start,
        dose_ended_at=start + timedelta(minutes=minutes),
        signed_at=start + timedelta(hours=3) if signed else None,
        signed_by=prescriber if signed else None,
    )
