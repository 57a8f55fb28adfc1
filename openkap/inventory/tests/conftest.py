"""Fixtures of the ledger tests: a clinic with a nurse, a prescriber (the usual witness), a vial
product and a helper that receives a lot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from openkap.accounts.models import Clinic, Role, User
from openkap.inventory import services
from openkap.inventory.models import DosageForm, LedgerEntry, Lot, Product


@pytest.fixture
def nurse(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("nurse.nora", clinic, Role.NURSE)


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("dr.pat", clinic, Role.PRESCRIBER)


@pytest.fixture
def admin(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("admin.ada", clinic, Role.CLINIC_ADMIN)


@pytest.fixture
def web_request() -> Callable[[User | None], HttpRequest]:
    """A request as the views pass it to the services (the witness's password check needs one)."""

    def make(user: User | None = None) -> HttpRequest:
        request = RequestFactory().post("/inventory/waste/")
        request.user = user if user is not None else AnonymousUser()
        request.session = SessionStore()
        return request

    return make


@pytest.fixture
def vial(clinic: Clinic, admin: User) -> Product:
    # 50 mg/mL x 10 mL = 500 mg a vial (hand arithmetic, not the code's).
    return services.product_add(
        actor=admin,
        clinic=clinic,
        name="Ketamine HCl 50 mg/mL 10 mL",
        dosage_form=DosageForm.INJECTION,
        strength="50 mg/mL",
        concentration_mg_per_ml=Decimal(50),
        container="10 mL vial",
        mg_per_container=Decimal(500),
    )


@pytest.fixture
def receive(clinic: Clinic, nurse: User, vial: Product) -> Callable[..., LedgerEntry]:
    def run(
        containers: int = 2, lot_number: str = "KX100", expires_on: date = date(2030, 1, 31)
    ) -> LedgerEntry:
        return services.ledger_receive(
            actor=nurse,
            clinic=clinic,
            product=vial,
            lot_number=lot_number,
            expires_on=expires_on,
            containers=Decimal(containers),
            invoice_number="INV-1",
            supplier_name="Acme Wholesale",
            supplier_dea="RA1234563",
            received_on=date(2025, 1, 6),
        )

    return run


@pytest.fixture
def lot(receive: Callable[..., LedgerEntry]) -> Lot:
    return receive().lot
