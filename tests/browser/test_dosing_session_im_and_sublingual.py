"""A whole IM and a whole in-office sublingual session, gate to signed chart, as a nurse and a
prescriber: the gate passes, the prescriber confirms the dose (mg/kg for IM, mg for sublingual),
the nurse draws it from the right lot, charts an out-of-range blood pressure (an alert), ends
dosing, discharges after the protocol's minimum (the clock moved back in the database), signs; the
prescriber adds an addendum; the ledger balances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Clinic, User
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.dosing.tests.conftest import dosing_appointment_now
from openkap.inventory import services as inventory
from openkap.inventory.models import DosageForm, Lot
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentStatus
from tests.browser.conftest import sign_in
from tests.browser.dosing_fixtures import (
    admin,
    ask_to_discharge,
    chart_path,
    chart_ratings,
    chart_vitals,
    consented,
    ketamine_lot,
    lot_balance,
    move_clock_back,
    nurse,
    prescriber,
    record_gate,
    save_entry,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["admin", "consented", "ketamine_lot", "nurse", "prescriber"]


@pytest.fixture
def troche_lot(clinic: Clinic, admin: User, nurse: User) -> Lot:
    """Ten 100 mg sublingual troches received: 1,000 mg in the lot."""
    troche = inventory.product_add(
        actor=admin,
        clinic=clinic,
        name="Ketamine 100 mg sublingual troche",
        dosage_form=DosageForm.SUBLINGUAL,
        strength="100 mg",
        container="1 troche",
        mg_per_container=Decimal(100),
    )
    return inventory.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=troche,
        lot_number="SL-100",
        expires_on=date(2030, 1, 31),
        containers=Decimal(10),
        invoice_number="INV-SL",
        supplier_name="Compounding Pharmacy",
        supplier_dea="FC1234563",
        received_on=date(2025, 1, 6),
    ).lot


ROUTES = {
    # route: (protocol, dose field and value, dose in mg, lot fixture, minimum minutes)
    "im": ("kap-im", ("Dose (mg/kg)", "0.5"), Decimal(40), "ketamine_lot", 60),
    "sublingual": (
        "kap-sublingual-in-office",
        ("Dose (mg)", "200"),
        Decimal(200),
        "troche_lot",
        120,
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_full_session_from_the_gate_to_the_signed_chart(
    route: str,
    request: pytest.FixtureRequest,
    page: Page,
    new_context: Callable[[], BrowserContext],
    patient: Patient,
    consented: Patient,
    nurse: User,
    prescriber: User,
) -> None:
    protocol_id, (dose_label, dose_value), dose_mg, lot_fixture, minimum = ROUTES[route]
    lot: Lot = request.getfixturevalue(lot_fixture)
    received = lot_balance(lot)
    appointment: Appointment = dosing_appointment_now(
        patient, prescriber, route=route, protocol_id=protocol_id, protocol_name=protocol_id
    )

    sign_in(page, nurse)
    record_gate(page, systolic=124, diastolic=78)
    expect(page.get_by_text("Ready to dose.")).to_be_visible()

    doctor = new_context().new_page()
    sign_in(doctor, prescriber)
    doctor.goto(page.url)
    doctor.get_by_role("link", name="Open the session chart").click()
    doctor.get_by_label(dose_label).fill(dose_value)
    if route == "im":
        doctor.get_by_label("Weight today (kg)").fill("80")  # 0.5 mg/kg x 80 kg = 40 mg
    expect(doctor.locator('#dose-preview [data-preview="result"]')).to_contain_text(f"{dose_mg} mg")
    doctor.get_by_label("Lot").select_option(index=1)
    doctor.get_by_label("Your password (to confirm the dose)").fill(PASSWORD)
    doctor.get_by_role("button", name="Confirm the dose").click()
    expect(doctor.locator("#dose [data-dose]")).to_have_attribute("data-dose", str(dose_mg))

    page.get_by_role("link", name="Open the session chart").click()
    page.get_by_role("button", name="Dose given: start the clock").click()
    expect(page.locator("#live")).to_have_attribute("data-state", "running")
    # No infusion to pause on these routes.
    expect(page.get_by_role("button", name="Pause the infusion")).to_have_count(0)
    chart_url = chart_path(page)

    chart_vitals(page, 188, 104, 90, 97)
    expect(page.locator("#live .alerts [data-alert]").first).to_be_visible()
    save_entry(page, "form-control", "Dosing complete")
    expect(page.locator("#live")).to_have_attribute("data-state", "ended")

    # The test cannot wait for the minimum monitoring time: it moves the session's times back.
    move_clock_back(appointment, minutes=minimum + 5)
    page.goto(chart_url)
    chart_vitals(page, 128, 80, 72, 98)
    chart_ratings(page, sedation=5, dissociation=0)
    ask_to_discharge(page)
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "discharged")

    page.get_by_label("Your password (to sign)").fill(PASSWORD)
    page.get_by_role("button", name="Sign and lock the chart").click()
    expect(page.locator("[data-signed=yes]")).to_be_visible()

    doctor.goto(chart_url)
    doctor.get_by_label("Reason for the addendum").fill("Late entry")
    doctor.locator("#addenda").get_by_role("textbox", name="Addendum", exact=True).fill(
        "Blood pressure settled without treatment."
    )
    doctor.get_by_role("button", name="Add the addendum").click()
    expect(doctor.locator("#addenda [data-addendum]")).to_have_count(1)

    assert lot_balance(lot) == received - dose_mg
    session = DosingSession.objects.get(appointment=appointment)
    assert session.status == SessionStatus.SIGNED
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
