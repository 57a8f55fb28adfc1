"""Fixtures for plans: a prescriber, a nurse, a patient with a signed eligible screening, and a small
fake protocol list and schedule (the tests do not depend on the real protocol data's contents)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.patients.models import Patient
from openkap.plans import protocols, services
from openkap.plans.models import TreatmentPlan
from openkap.plans.tests.factories import sign_screening, signing_request


@dataclass(frozen=True)
class FakeEvent:
    kind: str
    day: int
    label: str
    dose_number: int | None = None
    dose_mg: float | None = None


# The real adapters, for the test that runs against the protocol knowledge itself.
REAL_PROTOCOL_CHOICES = protocols.protocol_choices
REAL_SCHEDULE = protocols.real_schedule

FAKE_PROTOCOLS = [
    protocols.ProtocolChoice("fake-iv", "Fake IV series", "iv", ("in_office",), 60),
    protocols.ProtocolChoice(
        "fake-esketamine", "Fake esketamine", "intranasal_esketamine", ("in_office",), 120
    ),
    protocols.ProtocolChoice("fake-home", "Fake at-home sublingual", "sublingual", ("at_home",)),
]

# Two doses: preparation, dose 1 (integration the next day), dose 2 (integration the same day),
# a reassessment after the last dose.
FAKE_SCHEDULE = (
    FakeEvent("preparation", 0, "Preparation"),
    FakeEvent("dosing", 2, "Dose 1", 1),
    FakeEvent("integration", 3, "Integration after dose 1", 1),
    FakeEvent("dosing", 5, "Dose 2", 2),
    FakeEvent("integration", 5, "Integration after dose 2", 2),
    FakeEvent("reassessment", 9, "Reassessment", 2),
)


def fake_schedule(protocol_id: str, sessions: int | None) -> tuple[FakeEvent, ...]:
    return FAKE_SCHEDULE


@pytest.fixture(autouse=True)
def fake_protocols(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocols, "protocol_choices", lambda: list(FAKE_PROTOCOLS))
    monkeypatch.setattr(protocols, "real_schedule", fake_schedule)


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.plans", clinic, Role.PRESCRIBER)


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("nurse.plans", clinic, Role.NURSE)


@pytest.fixture
def eligible_patient(patient: Patient, prescriber: User) -> Patient:
    sign_screening(patient, prescriber)
    return patient


def plan_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "indication_code": "F33.1",
        "route": "iv",
        "setting": "in_office",
        "psychotherapy": "cbt",
        "format": "individual",
        "protocol_id": "fake-iv",
        "start_date": timezone.localdate() + timedelta(days=7),
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_plan(prescriber: User) -> Callable[..., TreatmentPlan]:
    def make(patient: Patient, *, activate: bool = False, **overrides: Any) -> TreatmentPlan:
        plan = services.plan_create(actor=prescriber, patient=patient, **plan_fields(**overrides))
        if activate:
            plan = services.plan_activate(
                request=signing_request(prescriber),
                actor=prescriber,
                plan=plan,
                expected_version=plan.version,
                password=PASSWORD,
            )
        return plan

    return make


def start_of(plan: TreatmentPlan) -> date:
    return plan.start_date
