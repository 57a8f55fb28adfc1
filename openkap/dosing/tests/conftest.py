"""Dosing test records: an active plan on a real protocol with a dosing appointment today, made
directly (the plans' own tests cover how a plan is signed and scheduled)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.consent.models import ConsentDocument, ConsentKind, SignedConsent, body_sha256
from openkap.dosing.services import NurseAnswers
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


@pytest.fixture
def appointment(patient: Patient, prescriber: User) -> Appointment:
    screening = sign_screening(patient, prescriber, route="iv", setting="in_office")
    now = timezone.now()
    plan = TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F33.1",
        route="iv",
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id="iv-racemic-ketamine",
        protocol_name="IV racemic ketamine",
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
        duration_minutes=120,
    )


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


__all__ = ["PASSWORD", "good_answers", "password_request"]
