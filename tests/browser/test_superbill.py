"""Billing staff open a patient's billing page from the chart, generate the charges of the completed
work (a signed IV session, a done integration session), record a payment (a wrong amount first: it
is refused next to its field), and download the superbill PDF with the codes and the diagnosis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from openkap.billing.models import Charge, PaymentEntry
from openkap.billing.tests import charge_factories as f
from openkap.billing.tests.pdf_text import pdf_text
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_billing_charges_takes_a_payment_and_downloads_the_superbill(
    page: Page, live_server, clinic, make_staff, patient
):
    biller = make_staff("bea.billing", clinic, Role.BILLING)
    prescriber = make_staff("dr.super", clinic, Role.PRESCRIBER)
    day = timezone.localdate() - timedelta(days=3)
    past = day - timedelta(days=30)
    f.item(clinic.pk, "IV infusion", "dosing", [(past, "475.00")], route="iv", codes=["96365"])
    f.item(clinic.pk, "Integration", "integration", [(past, "175.00")], codes=["90837"])
    plan = f.plan(patient, prescriber)
    f.signed_session(plan, prescriber, day)
    f.appointment(plan, "integration", day + timedelta(days=1))

    sign_in(page, biller)
    page.goto(f"/patients/{patient.public_id}/")
    page.get_by_role("link", name="Charges, payments and superbills").click()
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    page.get_by_role("button", name="Generate charges from completed work").click()
    expect(page.get_by_text("2 new charge(s).")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("650.00")
    assert Charge.objects.filter(patient=patient).count() == 2

    page.get_by_label("Amount (USD)").fill("-20")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Amount (USD): Ensure this value is greater than")).to_be_visible()
    assert not PaymentEntry.objects.exists()
    page.get_by_label("Amount (USD)").fill("200.00")
    page.get_by_label("Method").select_option(label="HSA/FSA card")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_test_id("balance")).to_have_text("450.00")
    page.screenshot(path=ARTIFACTS / "billing-account.png", full_page=True)

    page.get_by_label("From").fill(day.isoformat())
    page.get_by_label("To").fill((day + timedelta(days=1)).isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the superbill (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("superbill-")
    assert patient.mrn not in download.suggested_filename
    saved = ARTIFACTS / "superbill.pdf"
    download.save_as(saved)
    text = pdf_text(saved.read_bytes())
    for expected in ("96365", "J3490", "90837", "F33.1", "superbill for the patient"):
        assert expected in text
