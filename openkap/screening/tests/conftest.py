"""Fixtures for intake and screening: a prescriber, a nurse, and a patient whose intake is complete
enough for the eligibility engine."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.patients.models import Patient
from openkap.screening import services
from openkap.screening.models import PregnancyStatus, Screening


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.prescriber", clinic, Role.PRESCRIBER)


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("nurse.intake", clinic, Role.NURSE)


@pytest.fixture
def sign_request() -> Callable[[User], HttpRequest]:
    """A request as the signing view passes it to the service (the password check needs one)."""

    def make(user: User) -> HttpRequest:
        request = RequestFactory().post("/screening/sign/")
        request.user = user if user is not None else AnonymousUser()
        request.session = SessionStore()
        return request

    return make


def complete_intake(patient: Patient, actor: User, **vitals: Any) -> Patient:
    """What the engine needs: a weight, a blood pressure and heart rate, the pregnancy status."""
    values: dict[str, Any] = {
        "weight_kg": Decimal("72.5"),
        "systolic": 122,
        "diastolic": 78,
        "heart_rate": 70,
    }
    values.update(vitals)
    services.measurement_add(actor=actor, patient=patient, **values)
    services.reproductive_status_set(
        actor=actor,
        patient=patient,
        expected_version=0,
        pregnancy=PregnancyStatus.NOT_PREGNANT,
        breastfeeding=False,
    )
    return patient


@pytest.fixture
def ready_patient(patient: Patient, prescriber: User) -> Patient:
    """A patient with a complete intake and one problem: recurrent major depression."""
    complete_intake(patient, prescriber)
    services.problem_add(actor=prescriber, patient=patient, code="F33.1")
    return patient


@pytest.fixture
def evaluate(prescriber: User) -> Callable[..., Screening]:
    def run(patient: Patient, actor: User | None = None, **options: Any) -> Screening:
        draft = Screening.objects.filter(patient=patient, status="draft").first()
        return services.screening_evaluate(
            actor=actor or prescriber,
            patient=patient,
            expected_version=draft.version if draft else None,
            **options,
        )

    return run


@pytest.fixture
def sign(prescriber: User, sign_request: Callable[[User], HttpRequest]) -> Callable[..., Screening]:
    def run(
        screening: Screening,
        final_decision: str,
        reason: str = "",
        password: str = PASSWORD,
        actor: User | None = None,
    ) -> Screening:
        signer = actor or prescriber
        return services.screening_sign(
            actor=signer,
            screening=screening,
            expected_version=screening.version,
            final_decision=final_decision,
            reason=reason,
            password=password,
            request=sign_request(signer),
        )

    return run
