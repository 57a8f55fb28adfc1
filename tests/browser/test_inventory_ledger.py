"""A nurse records a receipt of ketamine vials, wastes some with a prescriber witnessing (who types
their own password), counts the lot short; the administrator opens the reconciliation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.inventory import services
from openkap.inventory.models import DosageForm
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_records_receipt_and_witnessed_waste_and_the_admin_reconciles(
    page: Page, new_context, clinic, make_staff
):
    nurse = make_staff("nurse.nia", clinic, Role.NURSE)
    witness = make_staff("dr.wade", clinic, Role.PRESCRIBER)
    admin = make_staff("admin.abe", clinic, Role.CLINIC_ADMIN)
    services.product_add(
        actor=admin,
        clinic=clinic,
        name="Ketamine HCl 50 mg/mL 10 mL",
        dosage_form=DosageForm.INJECTION,
        strength="50 mg/mL",
        concentration_mg_per_ml=Decimal(50),
        container="10 mL vial",
        mg_per_container=Decimal(500),
    )
    sign_in(page, nurse)
    page.get_by_role("link", name="Controlled substances").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controlled-substance ledger")

    page.get_by_role("link", name="Receipt", exact=True).click()
    page.get_by_label("Product").select_option(
        label="Ketamine HCl 50 mg/mL 10 mL (50 mg/mL, 10 mL vial)"
    )
    page.get_by_label("Lot number").fill("KB-2201")
    page.get_by_label("Lot expiry").fill("2030-06-30")
    page.get_by_label("Containers received").fill("2")
    page.get_by_label("Invoice or order number").fill("INV-5531")
    page.get_by_label("Supplier (registrant) name").fill("Acme Wholesale")
    page.get_by_label("Supplier DEA number").fill("RA1234563")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("Receipt")
    # 2 vials x 500 mg, by hand.
    expect(page.locator('td[data-lot="KB-2201"]')).to_have_text("1000")

    page.get_by_role("link", name="Waste").click()
    page.locator("#id_lot").select_option(index=1)
    page.get_by_label("Amount wasted (mg)").fill("15")
    page.get_by_label("Manner and reason").fill("Drawn up, not given; into the disposal container")
    page.locator("#id_witness").select_option(label=witness.display_name())
    page.get_by_label("Witness's password").fill("wrong-password-here")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("The witness's password is not right.")).to_be_visible()
    page.get_by_label("Witness's password").fill(PASSWORD)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text("Waste")
    expect(page.locator('td[data-lot="KB-2201"]')).to_have_text("985")

    page.get_by_role("link", name="Count").click()
    page.locator("#id_lot").select_option(index=1)
    page.get_by_label("Amount counted (mg)").fill("980")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("discrepancy -5 mg")).to_be_visible()

    admin_page = new_context().new_page()
    sign_in(admin_page, admin)
    admin_page.get_by_role("link", name="Controlled substances").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Reconciliation")
    expect(admin_page.get_by_role("alert")).to_contain_text("Discrepancies need review")
    expect(admin_page.locator("td.discrepancy")).to_have_text("-5")
