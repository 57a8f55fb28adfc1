"""Billing fixtures: the clinic's billing people, a small price list and payers made directly (their
own services are tested apart), and an active IV plan with its appointments made directly (the
plans app's tests cover how plans and schedules are generated)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.billing.models import CoverageRule, Payer, Price, PriceItem
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, PlanStatus, TreatmentPlan
from openkap.plans.tests.factories import sign_screening
from openkap.portal.tests.fixtures import (  # noqa: F401
    make_portal_account,
    portal_client,
    portal_sign_in,
    portal_user,
)


@pytest.fixture
def front_desk(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("desk.billing", clinic, Role.FRONT_DESK)


@pytest.fixture
def biller(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("biller", clinic, Role.BILLING)


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.billing", clinic, Role.PRESCRIBER)


def add_item(
    clinic: Clinic,
    name: str,
    service: str,
    amount: str,
    *,
    route: str = "",
    setting: str = "",
    package_sessions: int | None = None,
    codes: list[str] | None = None,
    days_ago: int = 30,
) -> PriceItem:
    item = PriceItem.objects.create(
        clinic=clinic,
        name=name,
        service=service,
        route=route,
        setting=setting,
        package_sessions=package_sessions,
        codes=codes or [],
    )
    Price.objects.create(
        item=item,
        amount=Decimal(amount),
        effective_from=timezone.localdate() - timedelta(days=days_ago),
    )
    return item


@pytest.fixture
def price_list(clinic: Clinic) -> dict[str, PriceItem]:
    return {
        "iv": add_item(
            clinic, "IV infusion", "dosing", "400.00", route="iv", codes=["96365", "J3490"]
        ),
        "iv6": add_item(
            clinic, "IV package of 6", "dosing", "2100.00", route="iv", package_sessions=6
        ),
        "prep": add_item(clinic, "Preparation", "preparation", "200.00", codes=["90837"]),
        "integration": add_item(clinic, "Integration", "integration", "150.00"),
        "reassessment": add_item(clinic, "Reassessment", "reassessment", "120.00"),
    }


@pytest.fixture
def insurer(clinic: Clinic) -> Payer:
    payer = Payer.objects.create(
        clinic=clinic,
        name="Acme Health",
        kind="commercial",
        match_names="ACME\nAcme Health PPO",
        information_source="Benefits call, 3 March",
    )
    CoverageRule.objects.create(payer=payer, service="dosing", method="not_covered")
    CoverageRule.objects.create(
        payer=payer, service="integration", method="copay", copay=Decimal("30.00")
    )
    CoverageRule.objects.create(
        payer=payer,
        service="preparation",
        method="coinsurance",
        coinsurance_percent=Decimal("20"),
    )
    return payer


@pytest.fixture
def self_pay(clinic: Clinic) -> Payer:
    return Payer.objects.create(
        clinic=clinic, name="Self-pay", kind="self_pay", information_source="Clinic policy"
    )


def make_active_plan(patient: Patient, prescriber: User, *, doses: int = 6) -> TreatmentPlan:
    """An active IV plan: a preparation, `doses` dosing and integration sessions, a reassessment."""
    screening = sign_screening(patient, prescriber)
    plan = TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F33.1",
        route="iv",
        setting="in_office",
        psychotherapy="cbt",
        format="individual",
        protocol_id="iv-racemic-ketamine",
        protocol_name="IV series",
        start_date=timezone.localdate(),
        status=PlanStatus.ACTIVE,
        created_by=prescriber,
    )
    start = timezone.now() + timedelta(days=1)
    kinds = ["preparation"] + ["dosing", "integration"] * doses + ["reassessment"]
    for day, kind in enumerate(kinds):
        _appointment(plan, kind, start + timedelta(days=day), day)
    return plan


def _appointment(plan: TreatmentPlan, kind: str, at: datetime, day: int) -> Appointment:
    return Appointment.objects.create(
        plan=plan,
        patient=plan.patient,
        kind=kind,
        label=kind.title(),
        protocol_day=day,
        starts_at=at,
        duration_minutes=60,
    )


@pytest.fixture
def planned_patient(patient: Patient, prescriber: User) -> Patient:
    make_active_plan(patient, prescriber)
    return patient
