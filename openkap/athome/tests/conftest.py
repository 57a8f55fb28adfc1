"""Fixtures for the at-home programme: a nurse, a prescriber (both e-mailed), a patient with a
portal account and an active at-home plan (made directly: the plans app's tests cover signing), a
lot of 100 mg troches in the ledger, and a witness's request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.athome.models import Dispensing, Method
from openkap.athome.services import DispenseInput, dispensing_record
from openkap.athome.tests.factories import make_at_home_plan
from openkap.clinical.athome import CheckinAnswers
from openkap.inventory import services as inventory
from openkap.inventory.models import DosageForm, Lot
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.portal.tests.fixtures import create_portal_account, portal_sign_in

TROCHES = 30  # in the lot
MG = Decimal(100)  # per troche


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
def plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    return make_at_home_plan(patient, prescriber)


@pytest.fixture
def session(plan: TreatmentPlan) -> Appointment:
    """Today's at-home dosing session."""
    return Appointment.objects.filter(plan=plan, kind="dosing").order_by("starts_at").first()  # type: ignore[return-value]


@pytest.fixture
def troches(clinic: Clinic, nurse: User, make_staff: Callable[..., User]) -> Lot:
    admin = make_staff("admin.ada", clinic, Role.CLINIC_ADMIN)
    product = inventory.product_add(
        actor=admin,
        clinic=clinic,
        name="Ketamine 100 mg troche",
        dosage_form=DosageForm.SUBLINGUAL,
        strength="100 mg",
        container="1 troche",
        mg_per_container=MG,
    )
    return inventory.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=product,
        lot_number="SL-1",
        expires_on=date(2030, 1, 31),
        containers=Decimal(TROCHES),
        invoice_number="INV-9",
        supplier_name="Compounding Pharmacy",
        supplier_dea="RB3333337",
        received_on=timezone.localdate() - timedelta(days=10),
    ).lot


@pytest.fixture
def dispense(
    nurse: User, patient: Patient, plan: TreatmentPlan, troches: Lot
) -> Callable[..., Dispensing]:
    def run(units: int = 4, **changes: object) -> Dispensing:
        fields: dict[str, object] = {
            "lot": troches,
            "units": units,
            "mg_per_unit": MG,
            "units_per_session": 1,
            "method": Method.SHIPPED,
            "carrier": "UPS",
            "tracking": "1Z999",
            "dispensed_on": timezone.localdate() - timedelta(days=2),
        }
        fields.update(changes)
        return dispensing_record(
            actor=nurse,
            patient=patient,
            plan=plan,
            data=DispenseInput(**fields),  # type: ignore[arg-type]
        )

    return run


@pytest.fixture
def web_request() -> Callable[[User | None], HttpRequest]:
    def make(user: User | None = None) -> HttpRequest:
        request = RequestFactory().post("/athome/")
        request.user = user if user is not None else AnonymousUser()
        request.session = SessionStore()
        return request

    return make


def good_answers(patient: Patient, **changes: object) -> CheckinAnswers:
    fields: dict[str, object] = {
        "patient_name": patient.legal_name(),
        "monitor_name": "Dana Hart",
        "monitor_adult": True,
        "monitor_typed_name": "Dana Hart",
        "monitor_will_stay": True,
        "safe_place": True,
        "alcohol_today": False,
        "substances_today": (),
        "driving_planned": False,
    }
    fields.update(changes)
    return CheckinAnswers(**fields)  # type: ignore[arg-type]


GOOD_FORM = {
    "monitor_name": "Dana Hart",
    "monitor_adult": "yes",
    "monitor_typed_name": "Dana Hart",
    "monitor_will_stay": "on",
    "safe_place": "yes",
    "alcohol_today": "no",
    "substances": ["none"],
    "driving_planned": "no",
}
