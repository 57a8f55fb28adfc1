"""Dosing test records: an active plan on a real protocol with a dosing appointment today, made
directly (the plans' own tests cover how a plan is signed and scheduled)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.consent.models import ConsentDocument, ConsentKind, SignedConsent, body_sha256
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.dosing.services import NurseAnswers, dosing_gate_record
from openkap.inventory import services as inventory
from openkap.inventory.models import DosageForm, Lot
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening
from openkap.screening.models import PregnancyStatus, ReproductiveStatus


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.dosing", clinic, Role.PRESCRIBER)


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("nurse.dosing", clinic, Role.NURSE)


def dosing_appointment_now(
    patient: Patient,
    prescriber: User,
    *,
    route: str = "iv",
    protocol_id: str = "iv-racemic-ketamine",
    protocol_name: str = "IV racemic ketamine",
    indication_code: str = "F33.1",
    psychotherapy: str = "cbt",
    duration_minutes: int = 120,
) -> Appointment:
    """An active, signed plan on a real protocol with its first dosing appointment now."""
    screening = sign_screening(patient, prescriber, route=route, setting="in_office")
    now = timezone.now()
    plan = TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code=indication_code,
        route=route,
        setting="in_office",
        psychotherapy=psychotherapy,
        format="individual",
        protocol_id=protocol_id,
        protocol_name=protocol_name,
        start_date=timezone.localdate(),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
        signed_at=now,
        signed_by=prescriber,
    )
    return Appointment.objects.create(
        plan=plan,
        patient=patient,
        kind=AppointmentKind.DOSING,
        label="Induction, dose 1",
        dose_number=1,
        protocol_day=0,
        starts_at=now,
        duration_minutes=duration_minutes,
    )


@pytest.fixture
def appointment(patient: Patient, prescriber: User) -> Appointment:
    return dosing_appointment_now(patient, prescriber)


@pytest.fixture
def consented(patient: Patient, prescriber: User) -> Patient:
    """Every consent kind published and signed; not pregnant."""
    for kind in ConsentKind:
        body = f"{kind} text"
        document = ConsentDocument.objects.create(
            clinic=patient.clinic,
            kind=kind,
            version=1,
            title=str(kind.label),
            body=body,
            body_sha256=body_sha256(body),
            basis="test",
            change_summary="first",
            published_by=prescriber,
        )
        SignedConsent.objects.create(**_signed_fields(document, patient, prescriber))
    ReproductiveStatus.objects.create(
        patient=patient, pregnancy=PregnancyStatus.NOT_PREGNANT, updated_by=prescriber
    )
    return patient


def _signed_fields(document: ConsentDocument, patient: Patient, user: User) -> dict[str, Any]:
    return {
        "patient": patient,
        "document": document,
        "kind": document.kind,
        "version": document.version,
        "title": document.title,
        "signed_body": document.body,
        "signed_body_sha256": document.body_sha256,
        "typed_name": "Test Patient",
        "understood": True,
        "method": SignedConsent.Method.TABLET,
        "signed_at": timezone.now(),
        "signed_in_user": user,
    }


def good_answers(**changes: Any) -> NurseAnswers:
    fields: dict[str, Any] = {
        "fasting": True,
        "no_alcohol": True,
        "escort_name": "Sam Driver",
        "systolic": 120,
        "diastolic": 75,
        "heart_rate": 70,
        "spo2": 98,
        "interacting_held": None,
        "suicide_check": "negative",
        "rems_enrolled": None,
        "eye_mask": True,
        "music": True,
        "agreed_signal": "Raise a hand",
    }
    fields.update(changes)
    return NurseAnswers(**fields)


def password_request(user: User) -> Any:
    request = RequestFactory().post("/")
    request.user = user
    return request


__all__ = [
    "PASSWORD",
    "dosing_appointment_now",
    "good_answers",
    "move_start_back",
    "password_request",
    "vitals",
]


@pytest.fixture
def admin(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("admin.dosing", clinic, Role.CLINIC_ADMIN)


@pytest.fixture
def ketamine_lot(clinic: Clinic, admin: User, nurse: User) -> Lot:
    """Two 500 mg vials (50 mg/mL x 10 mL) received: 1,000 mg in the lot."""
    vial = inventory.product_add(
        actor=admin,
        clinic=clinic,
        name="Ketamine HCl 50 mg/mL 10 mL",
        dosage_form=DosageForm.INJECTION,
        strength="50 mg/mL",
        concentration_mg_per_ml=Decimal(50),
        container="10 mL vial",
        mg_per_container=Decimal(500),
    )
    entry = inventory.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=vial,
        lot_number="KX100",
        expires_on=date(2030, 1, 31),
        containers=Decimal(2),
        invoice_number="INV-1",
        supplier_name="Acme Wholesale",
        supplier_dea="RA1234563",
        received_on=date(2025, 1, 6),
    )
    return entry.lot


@pytest.fixture
def ready_session(appointment: Appointment, consented: Patient, nurse: User) -> DosingSession:
    """The gate passed: ready for the prescriber's dose."""
    session = dosing_gate_record(
        actor=nurse, appointment=appointment, nurse=good_answers(), expected_version=None
    )
    assert session.status == SessionStatus.READY
    return session


@pytest.fixture
def confirmed_session(
    ready_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> DosingSession:
    """0.5 mg/kg x 80 kg = 40 mg over 40 min, confirmed from the lot."""
    return chart.dosing_dose_confirm(
        actor=prescriber,
        session=ready_session,
        dose=chart.DoseInput(dose_mg_per_kg=0.5, weight_kg=80, infusion_min=40),
        lot=ketamine_lot,
        change_rationale="",
        expected_version=ready_session.version,
    )


@pytest.fixture
def started_session(confirmed_session: DosingSession, nurse: User) -> DosingSession:
    return chart.dosing_start(
        actor=nurse,
        session=confirmed_session,
        client_id=uuid.uuid4(),
        observed_at=None,
        wasted_mg=Decimal(0),
        witness=None,
        witness_password="",
        request=None,
        expected_version=confirmed_session.version,
    )


def vitals(**values: Any) -> chart.EntryInput:
    return chart.EntryInput(kind="vitals", client_id=uuid.uuid4(), **values)


def move_start_back(session: DosingSession, minutes: int) -> DosingSession:
    """Pretend dosing started `minutes` ago (and its entries with it)."""
    shift = timedelta(minutes=minutes)
    DosingSession.objects.filter(pk=session.pk).update(dose_started_at=F("dose_started_at") - shift)
    ChartEntry.objects.filter(session=session).update(observed_at=F("observed_at") - shift)
    session.refresh_from_db()
    return session
