"""A whole esketamine (SPRAVATO) session, from the gate to the signed chart, walked by a nurse and a
prescriber at two computers: REMS enrolment is answered at the gate and a raised pre-dose blood
pressure is a soft stop the prescriber overrides; the prescriber confirms 56 mg (two 28 mg devices);
the nurse starts the clock with nothing wasted, charts an out-of-range blood pressure (an alert),
ratings, a side effect, an intervention and a note, and discharges the patient after the two-hour
minimum; the nurse signs; the prescriber adds an addendum. The ledger balances afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import User
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.inventory.models import EntryKind, LedgerEntry, Lot
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
    esketamine_appointment,
    lot_balance,
    move_clock_back,
    nasal_lot,
    nurse,
    prescriber,
    record_gate,
    save_entry,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["admin", "consented", "esketamine_appointment", "nasal_lot", "nurse", "prescriber"]


def test_a_full_esketamine_session_from_the_gate_to_the_signed_chart(
    page: Page,
    new_context: Callable[[], BrowserContext],
    esketamine_appointment: Appointment,
    consented: Patient,
    nasal_lot: Lot,
    nurse: User,
    prescriber: User,
) -> None:
    # --- The nurse records the gate, REMS enrolment included: 150/95 is a soft stop. ------------
    sign_in(page, nurse)
    record_gate(page, systolic=150, diastolic=95, rems_enrolled=True)
    expect(page.get_by_text("Soft stop: a prescriber reviews")).to_be_visible()
    expect(page.locator('[data-item="rems"]')).to_have_attribute("data-status", "pass")
    expect(page.locator('[data-item="vitals"]')).to_have_attribute("data-status", "soft_stop")
    gate_url = page.url

    # --- The prescriber overrides with a reason and their password, then confirms the dose. -----
    doctor = new_context().new_page()
    sign_in(doctor, prescriber)
    doctor.goto(gate_url)
    doctor.get_by_label("Reason to dose despite the soft stop").fill(
        "White-coat rise; repeat reading 142/88 after 10 minutes seated."
    )
    doctor.get_by_label("Your password (to confirm)").fill(PASSWORD)
    doctor.get_by_role("button", name="Override and clear for dosing").click()
    expect(doctor.get_by_text("Ready to dose.")).to_be_visible()
    doctor.get_by_role("link", name="Open the session chart").click()
    expect(doctor.locator("h1 [data-status]")).to_have_attribute("data-status", "ready")
    # A dose that is not a whole number of 28 mg devices is refused as it is typed.
    doctor.get_by_label("Dose (mg)").fill("60")
    expect(doctor.locator('#dose-preview [data-preview="error"]')).to_contain_text(
        "not a whole number of 28 mg devices"
    )
    doctor.get_by_label("Dose (mg)").fill("56")
    # 56 mg is two 28 mg devices.
    expect(doctor.locator('#dose-preview [data-preview="result"]')).to_contain_text(
        re.compile(r"56(\.0+)? mg = 2 device\(s\)")
    )
    doctor.get_by_label("Lot").select_option(index=1)
    doctor.get_by_label("Your password (to confirm the dose)").fill(PASSWORD)
    doctor.get_by_role("button", name="Confirm the dose").click()
    expect(doctor.locator("#dose [data-dose]")).to_have_attribute("data-dose", "56")
    expect(doctor.locator("#dose")).to_contain_text("= 2 device(s)")

    # --- The nurse gives the first device and starts the clock: nothing is wasted. ---------------
    page.get_by_role("link", name="Today's sessions", exact=True).click()
    page.get_by_role("link", name="Open the session chart").click()
    expect(page.get_by_text("56 mg is recorded as administered from lot SPV-28A")).to_be_visible()
    page.get_by_role("button", name="First device given: start the clock").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("#live")).to_have_attribute("data-state", "running")
    chart_url = chart_path(page)

    # --- During: the 40-minute set is out of range (systolic above 180). ------------------------
    chart_vitals(page, 186, 102, 88, 97)
    alerts = page.locator("#live .alerts")
    expect(alerts.get_by_role("heading", name="Alerts (1)")).to_be_visible()
    expect(alerts.locator("[data-alert]")).to_have_count(1)
    expect(alerts).to_contain_text("186")
    expect(page.locator("#live tr.has-alert")).to_contain_text("BP 186/102")
    # The prescriber's chart, left open, shows the alert without reloading (the live part polls).
    expect(doctor.locator("#live [data-alert]")).to_have_count(1)

    chart_ratings(page, sedation=4, dissociation=2)
    side_effect = page.locator("#form-side-effect")
    side_effect.get_by_label("Side effect").select_option(label="Nausea")
    side_effect.get_by_label("Severity").select_option(label="Mild")
    save_entry(page, "form-side-effect", "Save side effect")
    page.locator("#form-intervention").get_by_label("Intervention").select_option(
        label="Vital signs re-checked"
    )
    save_entry(page, "form-intervention", "Save intervention")
    page.locator("#form-note textarea[name=text]").fill(
        "Second device given 5 minutes after the first; patient reclined, eye mask on."
    )
    save_entry(page, "form-note", "Save note")
    save_entry(page, "form-control", "Dosing complete")
    expect(page.locator("#live")).to_have_attribute("data-state", "ended")
    entries = page.locator("#live table.chart-entries")
    for kind in ("sedation", "dissociation", "side_effect", "intervention", "note", "dose_end"):
        expect(entries.locator(f'tr[data-kind="{kind}"]')).to_have_count(1)
    expect(entries.locator('tr[data-kind="side_effect"]')).to_contain_text("Nausea (mild)")

    # --- After: not before two hours. ---------------------------------------------------------
    ask_to_discharge(page)
    after = page.locator("#after")
    expect(after.get_by_text("Not ready for discharge.")).to_be_visible()
    expect(after).to_contain_text("of at least 120 min since the start of dosing")

    # The test cannot wait two hours: it moves the session's times (dosing and every entry) 125
    # minutes back in the database, then loads the chart again.
    move_clock_back(esketamine_appointment, minutes=125)
    page.goto(chart_url)
    expect(page.locator("#live")).to_contain_text("125 min ago")
    chart_vitals(page, 134, 82, 74, 98)
    chart_ratings(page, sedation=5, dissociation=0)
    ask_to_discharge(page)
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "discharged")
    expect(after.locator('tr[data-item="monitoring_time"]')).to_have_attribute("data-status", "met")
    expect(after.locator('tr[data-item][data-status="met"]')).to_have_count(7)

    # --- The nurse signs with her password; the chart locks. -----------------------------------
    page.get_by_label("Your password (to sign)").fill(PASSWORD)
    page.get_by_role("button", name="Sign and lock the chart").click()
    expect(page.locator("[data-signed=yes]")).to_contain_text(f"Signed by {nurse.display_name()}")
    expect(page.locator("#form-vitals")).to_have_count(0)

    # --- The prescriber adds an addendum; an addendum without a reason is refused. ----------------
    doctor.goto(chart_url)
    addenda = doctor.locator("#addenda")
    addenda.get_by_role("textbox", name="Addendum", exact=True).fill(
        "Nausea resolved without medication before discharge."
    )
    addenda.get_by_role("button", name="Add the addendum").click()
    expect(doctor.get_by_text("Nothing was saved.")).to_be_visible()
    expect(doctor.locator("#addenda [data-addendum]")).to_have_count(0)
    doctor.goto(chart_url)
    addenda.get_by_label("Reason for the addendum").fill("Outcome of a charted side effect")
    addenda.get_by_role("textbox", name="Addendum", exact=True).fill(
        "Nausea resolved without medication before discharge."
    )
    addenda.get_by_role("button", name="Add the addendum").click()
    addendum = doctor.locator("#addenda [data-addendum]")
    expect(addendum).to_have_count(1)
    expect(addendum).to_contain_text("reason: Outcome of a charted side effect")
    expect(addendum).to_contain_text(prescriber.display_name())
    expect(doctor.locator("[data-signed=yes]")).to_be_visible()

    # --- The ledger balances: 6 devices x 28 mg received, 56 mg given, nothing wasted. ----------
    page.get_by_role("link", name="Controlled substances").click()
    expect(page.locator('td[data-lot="SPV-28A"]')).to_have_text("112")
    assert lot_balance(nasal_lot) == Decimal(6 * 28) - Decimal(56)
    assert not LedgerEntry.objects.filter(lot=nasal_lot, kind=EntryKind.WASTE).exists()

    session = DosingSession.objects.get(appointment=esketamine_appointment)
    assert session.status == SessionStatus.SIGNED
    assert session.signed_by == nurse
    assert session.ledger_entry is not None
    assert session.ledger_entry.amount_mg == Decimal(-56)
    esketamine_appointment.refresh_from_db()
    assert esketamine_appointment.status == AppointmentStatus.DONE
