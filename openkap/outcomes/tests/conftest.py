"""Fixtures for outcomes: a nurse, a prescriber, a patient with a portal account and an active plan
with appointments (made directly: the plans app's tests cover how a plan is signed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.clinical import instruments
from openkap.outcomes.models import QuestionnaireAssignment, Reason
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.plans.tests.factories import sign_screening
from openkap.portal.tests.fixtures import create_portal_account, portal_sign_in
from openkap.screening.models import QuestionnaireResponse


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    user: User = make_staff("nina.nurse", clinic, Role.NURSE)
    user.email = "nina@clinic.test"
    user.save()
    return user


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    user: User = make_staff("paul.prescriber", clinic, Role.PRESCRIBER)
    user.email = "paul@clinic.test"
    user.save()
    return user


@pytest.fixture
def portal_user(patient: Patient) -> User:
    return create_portal_account(patient)


@pytest.fixture
def portal_client(portal_user: User) -> Client:
    return portal_sign_in(Client(), portal_user)


@pytest.fixture
def active_plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    screening = sign_screening(patient, prescriber)
    today = timezone.localdate()
    plan = TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F41.1",
        route="iv",
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id="iv-racemic-ketamine",
        protocol_name="IV series",
        start_date=today,
        status="active",
        created_by=prescriber,
    )
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for n, (kind, day) in enumerate([("dosing", 0), ("dosing", 3), ("reassessment", 20)]):
        Appointment.objects.create(
            plan=plan,
            patient=patient,
            kind=kind,
            label=f"{kind} {n}",
            dose_number=n + 1 if kind == "dosing" else None,
            protocol_day=day,
            starts_at=start + timedelta(days=day),
            duration_minutes=60,
        )
    return plan


@pytest.fixture
def assign(patient: Patient) -> Callable[..., QuestionnaireAssignment]:
    def make(instrument_id: str = "phq9", due_in_hours: int = 1) -> QuestionnaireAssignment:
        return QuestionnaireAssignment.objects.create(
            patient=patient,
            instrument_id=instrument_id,
            due_at=timezone.now() + timedelta(hours=due_in_hours),
            reason=Reason.BEFORE_DOSING,
        )

    return make


def phq9_post(item9: int = 0, *, others: int = 1) -> dict[str, str]:
    data = {f"item_{n}": str(others) for n in range(1, 9)}
    data["item_9"] = str(item9)
    return data


def add_scores(
    patient: Patient, by: User, instrument_id: str, totals: list[int]
) -> list[QuestionnaireResponse]:
    """Responses with the given totals, a week apart, oldest first (answers spread over items)."""
    inst = instruments.instrument(instrument_id)
    made = []
    start = timezone.now() - timedelta(days=7 * len(totals))
    top = max(inst.items[0].values)
    for week, total in enumerate(totals):
        answers = []
        left = total
        for _item in inst.items:
            answers.append(min(top, left))
            left -= answers[-1]
        score = instruments.score(instrument_id, answers)
        made.append(
            QuestionnaireResponse.objects.create(
                patient=patient,
                instrument_id=instrument_id,
                instrument_name=inst.name,
                answers=answers,
                total=score.total,
                severity=score.severity or "",
                flags=list(score.flags),
                score=score.to_json(),
                completed_at=start + timedelta(days=7 * week),
                recorded_by=by,
            )
        )
    return made
