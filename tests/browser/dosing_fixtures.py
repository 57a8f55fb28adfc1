"""Records and helpers for the browser walks of a whole dosing session (gate to signed chart).

The IV records are the dosing tests' own fixtures (openkap/dosing/tests/conftest.py: an active IV
plan with a dosing appointment now, every consent signed, a 1,000 mg ketamine lot). The esketamine
ones are made the same way, directly: an esketamine plan on the label schedule, and a lot of nasal
spray devices received into the controlled-substance ledger.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from playwright.sync_api import Page, expect

from openkap.accounts.models import Clinic, User
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import (
    admin,
    appointment,
    consented,
    dosing_appointment_now,
    ketamine_lot,
    nurse,
    prescriber,
)
from openkap.inventory import services as inventory
from openkap.inventory.models import DosageForm, Lot
from openkap.inventory.selectors import lots_with_balance
from openkap.patients.models import Patient
from openkap.plans.models import Appointment

__all__ = [
    "admin",
    "appointment",
    "ask_to_discharge",
    "chart_path",
    "chart_ratings",
    "chart_vitals",
    "consented",
    "esketamine_appointment",
    "ketamine_lot",
    "lot_balance",
    "move_clock_back",
    "nasal_lot",
    "nurse",
    "prescriber",
    "record_gate",
    "save_entry",
]

# One SPRAVATO device holds 28 mg (clinical.md 1.1); the receipt below is 6 devices = 168 mg.
NASAL_DEVICES_RECEIVED = 6
MG_PER_DEVICE = 28


@pytest.fixture
def esketamine_appointment(patient: Patient, prescriber: User) -> Appointment:
    """An active esketamine plan (label TRD schedule, in the office) with its first dose now."""
    return dosing_appointment_now(
        patient,
        prescriber,
        route="intranasal_esketamine",
        protocol_id="esketamine-trd",
        protocol_name="Esketamine (SPRAVATO) for treatment-resistant depression, label schedule",
        indication_code="F33.2",
        psychotherapy="none",
        duration_minutes=150,
    )


@pytest.fixture
def nasal_lot(clinic: Clinic, admin: User, nurse: User) -> Lot:
    """Six 28 mg esketamine nasal spray devices received: 168 mg in the lot."""
    device = inventory.product_add(
        actor=admin,
        clinic=clinic,
        name="Spravato 28 mg nasal spray device",
        substance="esketamine",
        dosage_form=DosageForm.NASAL,
        strength="28 mg per device",
        container="1 nasal spray device",
        mg_per_container=Decimal(MG_PER_DEVICE),
    )
    entry = inventory.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=device,
        lot_number="SPV-28A",
        expires_on=date(2030, 6, 30),
        containers=Decimal(NASAL_DEVICES_RECEIVED),
        invoice_number="INV-E1",
        supplier_name="Specialty Distributor Inc",
        supplier_dea="RS1234563",
        received_on=date(2025, 1, 6),
    )
    return entry.lot


def move_clock_back(appointment: Appointment, minutes: int) -> None:
    """Pretend the session's dosing happened `minutes` earlier: its start and end and every chart
    entry's time move back. A browser test cannot wait the minimum monitoring time (60 min IV,
    120 min esketamine), so it moves the session instead of the clock, then reloads the page."""
    shift = timedelta(minutes=minutes)
    session = DosingSession.objects.get(appointment=appointment)
    DosingSession.objects.filter(pk=session.pk).update(
        dose_started_at=F("dose_started_at") - shift, dose_ended_at=F("dose_ended_at") - shift
    )
    ChartEntry.objects.filter(session=session).update(observed_at=F("observed_at") - shift)


def lot_balance(lot: Lot) -> Decimal:
    """The lot's balance as the ledger derives it (the database sums the entries)."""
    annotated = lots_with_balance(clinic=lot.clinic).get(pk=lot.pk)
    balance: Decimal = annotated.balance_mg  # type: ignore[attr-defined]
    return balance


def chart_path(page: Page) -> str:
    """The session chart's address as the page shows it (without a #fragment)."""
    return page.url.split("#", 1)[0]


def save_entry(page: Page, form_id: str, button: str) -> None:
    """Send one chart form and wait for the page it redirects back to (post/redirect/get)."""
    with page.expect_navigation():
        page.locator(f"#{form_id}").get_by_role("button", name=button).click()
    expect(page.locator("#form-vitals, [data-signed]").first).to_be_attached()


def record_gate(page: Page, *, systolic: int, diastolic: int, rems_enrolled: bool = False) -> None:
    """The nurse answers the gate from Today's sessions: prepared, escorted, the given pre-dose
    blood pressure, a negative suicide-risk check, the setting."""
    page.get_by_role("link", name="Today's sessions", exact=True).click()
    expect(page.get_by_role("heading", name="Today's dosing sessions")).to_be_visible()
    page.get_by_role("link", name="Start the gate").click()
    expect(page.get_by_role("heading", name="Before the dose: the gate")).to_be_visible()
    page.get_by_label("Fasting as instructed").select_option("yes")
    page.get_by_label("No alcohol today").select_option("yes")
    page.get_by_label("Escort home (name)").fill("Sam Driver")
    page.get_by_label("Systolic BP (mmHg)").fill(str(systolic))
    page.get_by_label("Diastolic BP (mmHg)").fill(str(diastolic))
    page.get_by_label("Heart rate (beats/min)").fill("78")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_label("Suicide-risk check").select_option("negative")
    if rems_enrolled:
        page.get_by_label("Enrolled in the SPRAVATO REMS (esketamine only)").select_option("yes")
    page.get_by_label("Eye mask offered").check()
    page.get_by_label("Music playlist ready").check()
    page.get_by_label("Agreed signal").fill("Raise a hand")
    page.get_by_role("button", name="Check the gate").click()


def chart_vitals(page: Page, systolic: int, diastolic: int, heart_rate: int, spo2: int) -> None:
    form = page.locator("#form-vitals")
    form.get_by_label("Systolic (mmHg)").fill(str(systolic))
    form.get_by_label("Diastolic (mmHg)").fill(str(diastolic))
    form.get_by_label("Heart rate (/min)").fill(str(heart_rate))
    form.get_by_label("SpO2 (%)").fill(str(spo2))
    save_entry(page, "form-vitals", "Save vitals")


SEDATION = {
    5: "5: Responds readily to name in normal tone",
    4: "4: Lethargic response",
}
DISSOCIATION = {
    0: "0: None: no dissociative or perceptual change observed or reported",
    1: "1: Mild: slight detachment or perceptual change; fully oriented and conversing normally",
    2: "2: Moderate: clear detachment or perceptual change; responds to voice and communicates",
}


def chart_ratings(page: Page, sedation: int, dissociation: int) -> None:
    """A MOAA/S rating and a dissociation rating, chosen by the labels the nurse reads."""
    page.locator("#form-sedation").get_by_label("Rating").select_option(label=SEDATION[sedation])
    save_entry(page, "form-sedation", "Save sedation")
    # The dissociation form's fields share their ids with the sedation form's (both "id_score"),
    # so its "Rating" label points at the other form's field: reach its own field by name.
    page.locator("#form-dissociation select[name=score]").select_option(
        label=DISSOCIATION[dissociation]
    )
    save_entry(page, "form-dissociation", "Save dissociation")


def ask_to_discharge(page: Page) -> None:
    """The nurse answers the discharge criteria (alert and oriented, escort, aftercare) and sends."""
    after = page.locator("#after")
    after.get_by_label("Alert and oriented").select_option("yes")
    expect(after.get_by_label("Escort present (name)")).to_have_value("Sam Driver")
    after.get_by_label("Aftercare instructions given and understood").check()
    after.get_by_role("button", name="Check the criteria and discharge").click()
