"""A whole IV ketamine session, from the gate to the signed chart, walked by a nurse and a
prescriber at two computers: a raised pre-dose blood pressure is a soft stop the prescriber
overrides; the prescriber confirms 0.5 mg/kg; the nurse starts the infusion with the vial's residue
wasted under the prescriber's witness, charts an out-of-range blood pressure (an alert), ratings, a
side effect, an intervention and a note, pauses, resumes and completes the infusion, and discharges
the patient; the prescriber signs; the nurse adds an addendum. The ledger balances afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import User
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.inventory.models import Lot
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentStatus
from tests.browser.conftest import sign_in
from tests.browser.dosing_fixtures import (
    admin,
    appointment,
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
__all__ = ["admin", "appointment", "consented", "ketamine_lot", "nurse", "prescriber"]


def test_a_full_iv_session_from_the_gate_to_the_signed_chart(
    page: Page,
    new_context: Callable[[], BrowserContext],
    appointment: Appointment,
    consented: Patient,
    ketamine_lot: Lot,
    nurse: User,
    prescriber: User,
) -> None:
    # --- The nurse records the gate: 150/95 before the dose is a soft stop. -----------------------
    sign_in(page, nurse)
    record_gate(page, systolic=150, diastolic=95)
    expect(page.get_by_text("Soft stop: a prescriber reviews")).to_be_visible()
    expect(page.locator('[data-item="vitals"]')).to_have_attribute("data-status", "soft_stop")
    gate_url = page.url

    # --- The prescriber, at another computer, overrides with a reason and their password. ------
    doctor = new_context().new_page()
    sign_in(doctor, prescriber)
    doctor.goto(gate_url)
    doctor.get_by_label("Reason to dose despite the soft stop").fill(
        "Anxious on arrival; 150/95 is her usual pre-infusion reading. Re-check at 10 min."
    )
    doctor.get_by_label("Your password (to confirm)").fill(PASSWORD)
    doctor.get_by_role("button", name="Override and clear for dosing").click()
    expect(doctor.get_by_text("Ready to dose.")).to_be_visible()
    doctor.get_by_role("link", name="Open the session chart").click()
    expect(doctor.locator("h1 [data-status]")).to_have_attribute("data-status", "ready")

    # --- The prescriber confirms the dose: the calculation appears as it is typed. ----------------
    doctor.get_by_label("Dose (mg/kg)").fill("0.5")
    doctor.get_by_label("Weight today (kg)").fill("80")
    # 0.5 mg/kg x 80 kg = 40 mg over 40 min.
    preview = doctor.locator('#dose-preview [data-preview="result"]')
    expect(preview).to_contain_text(re.compile(r"\b40(\.0+)? mg"))
    expect(preview).to_contain_text("Rule")
    doctor.get_by_label("Lot").select_option(index=1)
    doctor.get_by_label("Your password (to confirm the dose)").fill(PASSWORD)
    doctor.get_by_role("button", name="Confirm the dose").click()
    expect(doctor.locator("#dose [data-dose]")).to_have_attribute("data-dose", "40")

    # --- The nurse starts the infusion; the vial's residue is wasted, the prescriber witnessing.
    page.get_by_role("link", name="Today's sessions", exact=True).click()
    page.get_by_role("link", name="Open the session chart").click()
    expect(page.get_by_text("40 mg is recorded as administered from lot KX100")).to_be_visible()
    page.get_by_label("Residue wasted (mg)").fill("460")
    page.get_by_label("Witness", exact=True).select_option(label=prescriber.display_name())
    page.get_by_label("Witness's password").fill(PASSWORD)
    page.get_by_role("button", name="Start the infusion").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("#live")).to_have_attribute("data-state", "running")
    chart_url = chart_path(page)

    # --- During: an out-of-range blood pressure raises an alert in the live part. ------------------
    chart_vitals(page, 186, 102, 96, 97)
    alerts = page.locator("#live .alerts")
    expect(alerts.get_by_role("heading", name="Alerts (2)")).to_be_visible()
    expect(alerts.locator("[data-alert]")).to_have_count(2)
    expect(alerts).to_contain_text("Systolic pressure above 180 mmHg")
    expect(alerts).to_contain_text("Diastolic pressure above 100 mmHg")
    expect(page.locator('#live tr[data-kind="vitals"]')).to_contain_text("BP 186/102")
    # The prescriber's chart, left open, shows the alert without reloading (the live part polls).
    expect(doctor.locator("#live [data-alert]")).to_have_count(2)

    # The nurse charts what she sees and does about it: ratings, a side effect, an intervention.
    chart_ratings(page, sedation=4, dissociation=1)
    side_effect = page.locator("#form-side-effect")
    side_effect.get_by_label("Side effect").select_option(label="Elevated blood pressure")
    side_effect.get_by_label("Severity").select_option(label="Moderate")
    save_entry(page, "form-side-effect", "Save side effect")
    page.locator("#form-intervention").get_by_label("Intervention").select_option(
        label="Infusion paused"
    )
    save_entry(page, "form-intervention", "Save intervention")

    # The infusion is paused, resumed once the pressure settles, and completed.
    page.locator("#form-control").get_by_label("Reason (for a pause or a stop)").fill("BP 186/102")
    save_entry(page, "form-control", "Pause the infusion")
    expect(page.locator("#live")).to_have_attribute("data-state", "paused")
    save_entry(page, "form-control", "Resume")
    expect(page.locator("#live")).to_have_attribute("data-state", "running")
    page.locator("#form-note textarea[name=text]").fill(
        "BP back to 150/90 after a 5-minute pause; infusion resumed at the same rate."
    )
    save_entry(page, "form-note", "Save note")
    save_entry(page, "form-control", "Infusion complete")
    expect(page.locator("#live")).to_have_attribute("data-state", "ended")
    entries = page.locator("#live table.chart-entries")
    for kind in ("sedation", "dissociation", "side_effect", "intervention", "pause", "resume"):
        expect(entries.locator(f'tr[data-kind="{kind}"]')).to_have_count(1)
    expect(entries.locator('tr[data-kind="side_effect"]')).to_contain_text(
        "Elevated blood pressure (moderate)"
    )
    expect(entries.locator('tr[data-kind="note"]')).to_contain_text("infusion resumed")

    # --- After: discharge is refused before the minimum monitoring time. ---------------------------
    ask_to_discharge(page)
    after = page.locator("#after")
    expect(after.get_by_text("Not ready for discharge.")).to_be_visible()
    expect(after).to_contain_text("Minimum monitoring time reached")

    # The test cannot wait an hour: it moves the session's times (dosing and every entry) 65 minutes
    # back in the database, then loads the chart again.
    move_clock_back(appointment, minutes=65)
    page.goto(chart_url)
    expect(page.locator("#live")).to_contain_text("65 min ago")

    # The set before discharge: within the limits, sedation and dissociation resolved.
    chart_vitals(page, 132, 84, 76, 98)
    chart_ratings(page, sedation=5, dissociation=0)

    ask_to_discharge(page)
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "discharged")
    expect(after.locator("tr[data-item]")).to_have_count(7)
    expect(after.locator('tr[data-item][data-status="met"]')).to_have_count(7)
    expect(after).to_contain_text("with Sam Driver. Aftercare given: yes.")

    # --- The prescriber signs the chart with their password; it locks. ---------------------------
    doctor.goto(chart_url)
    doctor.get_by_label("Your password (to sign)").fill("not-my-password")
    doctor.get_by_role("button", name="Sign and lock the chart").click()
    expect(
        doctor.get_by_text("Your password (to sign): The password is not correct.")
    ).to_be_visible()
    doctor.get_by_label("Your password (to sign)").fill(PASSWORD)
    doctor.get_by_role("button", name="Sign and lock the chart").click()
    expect(doctor.locator("[data-signed=yes]")).to_contain_text(
        f"Signed by {prescriber.display_name()}"
    )
    expect(doctor.locator("#form-vitals")).to_have_count(0)

    # --- The nurse adds an addendum with its reason. ------------------------------------------------
    page.goto(chart_url)
    expect(page.locator("[data-signed=yes]")).to_be_visible()
    addenda = page.locator("#addenda")
    expect(addenda).to_contain_text("No addenda.")
    addenda.get_by_label("Reason for the addendum").fill("Late entry")
    addenda.get_by_role("textbox", name="Addendum", exact=True).fill(
        "Ondansetron was offered at 10:20 and declined; no nausea through discharge."
    )
    addenda.get_by_role("button", name="Add the addendum").click()
    addendum = page.locator("#addenda [data-addendum]")
    expect(addendum).to_have_count(1)
    expect(addendum).to_contain_text("reason: Late entry")
    expect(addendum).to_contain_text("Ondansetron was offered at 10:20 and declined")
    expect(page.locator("[data-signed=yes]")).to_be_visible()

    # --- The ledger balances: 2 vials x 500 mg received, 40 mg given, 460 mg wasted. -------------
    page.get_by_role("link", name="Controlled substances").click()
    expect(page.locator('td[data-lot="KX100"]')).to_have_text("500")
    latest = page.locator("table").last
    expect(latest.get_by_role("row").filter(has_text="Waste")).to_contain_text(
        prescriber.display_name()
    )
    assert lot_balance(ketamine_lot) == Decimal(1000) - Decimal(40) - Decimal(460)

    session = DosingSession.objects.get(appointment=appointment)
    assert session.status == SessionStatus.SIGNED
    assert session.signed_by == prescriber
    assert session.addenda.get().reason == "Late entry"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
