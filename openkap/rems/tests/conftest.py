"""REMS test records: an esketamine plan with a dosing appointment, and a session made directly with
its dose, lot and chart entries (the dosing app's own tests cover how a session gets there).

The session `dosed` started at 09:00 clinic time today, 56 mg, lot "ESK-LOT-1", with vital signs at
08:50 (before), 09:38 and 09:55 (after) and 10:58 (last before discharge at 11:05): 125 minutes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.inventory.models import DosageForm, Lot, Product
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening


@pytest.fixture
def clinic(clinic: Clinic) -> Clinic:
    clinic.address_line = "1 Harbor Way"
    clinic.city = "Springfield"
    clinic.state = "IL"
    clinic.postal_code = "62701"
    clinic.phone = "555 010 4000"
    clinic.save()
    return clinic


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.rems", clinic, Role.PRESCRIBER)


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    user = make_staff("nurse.rems", clinic, Role.NURSE)
    user.first_name, user.last_name = "Nora", "Nightingale"
    user.save()
    return user


def clinic_time(clinic: Clinic, day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(clinic.timezone))


def make_plan(
    patient: Patient, prescriber: User, route: str = "intranasal_esketamine"
) -> TreatmentPlan:
    screening = sign_screening(patient, prescriber, route=route, setting="in_office")
    return TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F33.1",
        route=route,
        setting="in_office",
        psychotherapy="none",
        format="individual",
        protocol_id="esketamine-trd" if route == "intranasal_esketamine" else "iv-racemic-ketamine",
        protocol_name="Esketamine TRD",
        start_date=timezone.localdate(),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
        signed_at=timezone.now(),
        signed_by=prescriber,
    )


def make_session(
    plan: TreatmentPlan,
    nurse: User,
    *,
    started: datetime | None,
    discharged: datetime | None = None,
    dose_number: int = 1,
    lot: Lot | None = None,
    **fields: Any,
) -> DosingSession:
    appointment = Appointment.objects.create(
        plan=plan,
        patient=plan.patient,
        kind=AppointmentKind.DOSING,
        label=f"Induction, dose {dose_number}",
        dose_number=dose_number,
        protocol_day=0,
        starts_at=started or timezone.now(),
        duration_minutes=120,
    )
    values: dict[str, Any] = {
        "appointment": appointment,
        "plan": plan,
        "patient": plan.patient,
        "protocol_id": plan.protocol_id,
        "status": SessionStatus.DISCHARGED if discharged else SessionStatus.IN_PROGRESS,
        "gate_answers": {"rems_enrolled": True, "systolic": 128, "diastolic": 82},
        "gate_items": [{"id": "vitals", "status": "pass"}, {"id": "rems", "status": "pass"}],
        "gate_outcome": "pass",
        "gate_data_version": "test",
        "gate_recorded_at": (started or timezone.now()) - timedelta(minutes=20),
        "gate_recorded_by": nurse,
        "dose_mg": Decimal(56),
        "lot": lot,
        "dose_started_at": started,
        "discharged_at": discharged,
        "discharged_by": nurse if discharged else None,
    }
    values.update(fields)
    return DosingSession.objects.create(**values)


def chart(session: DosingSession, user: User, kind: str, at: datetime, **fields: Any) -> ChartEntry:
    return ChartEntry.objects.create(
        session=session,
        kind=kind,
        observed_at=at,
        entered_at=at,
        entered_by=user,
        client_id=uuid.uuid4(),
        **fields,
    )


@pytest.fixture
def esketamine_lot(clinic: Clinic) -> Lot:
    product = Product.objects.create(
        clinic=clinic,
        name="Spravato 28 mg device",
        substance="esketamine",
        dosage_form=DosageForm.NASAL,
        strength="28 mg",
        container="1 device",
        mg_per_container=Decimal(28),
    )
    return Lot.objects.create(
        clinic=clinic, product=product, lot_number="ESK-LOT-1", expires_on=date(2099, 1, 31)
    )


@pytest.fixture
def plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    return make_plan(patient, prescriber)


@pytest.fixture
def today(clinic: Clinic) -> date:
    return timezone.localdate(timezone=ZoneInfo(clinic.timezone))


@pytest.fixture
def dosed(
    clinic: Clinic, plan: TreatmentPlan, nurse: User, esketamine_lot: Lot, today: date
) -> DosingSession:
    start = clinic_time(clinic, today, 9, 0)
    session = make_session(
        plan,
        nurse,
        started=start,
        discharged=clinic_time(clinic, today, 11, 5),
        lot=esketamine_lot,
    )
    chart(session, nurse, "vitals", clinic_time(clinic, today, 8, 50), systolic=130, diastolic=84)
    chart(session, nurse, "vitals", clinic_time(clinic, today, 9, 38), systolic=152, diastolic=94)
    chart(session, nurse, "vitals", clinic_time(clinic, today, 9, 55), systolic=148, diastolic=90)
    chart(session, nurse, "vitals", clinic_time(clinic, today, 10, 58), systolic=126, diastolic=80)
    chart(session, nurse, "sedation", clinic_time(clinic, today, 9, 30), score=5)
    chart(session, nurse, "dissociation", clinic_time(clinic, today, 9, 30), score=2)
    return session


def password_request(user: User) -> Any:
    request = RequestFactory().post("/")
    request.user = user
    return request


TYPED = {
    "hcp_phone": "555 010 4001",
    "hcp_email": "nora@example.org",
    "ready_to_leave_minutes": "90",
    "ae_details": "Moderate dissociation at 30 minutes, resolved by 75 minutes.",
}

__all__ = ["PASSWORD", "TYPED", "chart", "clinic_time", "make_plan", "make_session"]
