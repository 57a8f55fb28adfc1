"""Front desk opens a patient's chart, sees the cost estimate of their plan (a package chosen for the
six IV sessions, coverage from the chosen payer), chooses the payer and saves the estimate; the
patient then sees the same estimate, labelled "estimate, not a bill", under "My costs"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.billing.models import CoverageRule, Payer, SavedEstimate
from openkap.billing.tests.conftest import add_item, make_active_plan
from openkap.portal.tests.fixtures import create_portal_account
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_gives_an_estimate_and_the_patient_sees_it(
    page: Page, browser: Browser, live_server, clinic, make_staff, patient
):
    desk = make_staff("fran.desk", clinic, Role.FRONT_DESK)
    prescriber = make_staff("dr.cost", clinic, Role.PRESCRIBER)
    add_item(clinic, "IV infusion", "dosing", "400.00", route="iv", codes=["96365", "J3490"])
    add_item(clinic, "IV package of 6", "dosing", "2100.00", route="iv", package_sessions=6)
    add_item(clinic, "Preparation", "preparation", "200.00")
    add_item(clinic, "Integration", "integration", "150.00", codes=["90837"])
    add_item(clinic, "Reassessment", "reassessment", "120.00")
    Payer.objects.create(
        clinic=clinic, name="Self-pay", kind="self_pay", information_source="Clinic policy"
    )
    insurer = Payer.objects.create(
        clinic=clinic, name="Acme Health", kind="commercial", information_source="Benefits call"
    )
    CoverageRule.objects.create(payer=insurer, service="integration", method="copay", copay=30)
    make_active_plan(patient, prescriber, doses=6)
    create_portal_account(patient, username="robin.costs")

    sign_in(page, desk)
    page.goto(f"/patients/{patient.public_id}/")
    page.get_by_role("link", name="Cost estimate of the treatment plan").click()
    expect(page.get_by_role("heading", name="Cost estimate")).to_be_visible()
    expect(page.locator(".billing-disclaimer")).to_contain_text("Estimate, not a bill")
    expect(page.get_by_role("row", name="IV package of 6")).to_be_visible()
    # No insurance registered: self-pay is suggested, so the patient pays every line.
    expect(page.locator("tfoot")).to_contain_text("3320.00")

    page.get_by_role("combobox", name="Payer").select_option(label="Acme Health")
    page.get_by_role("button", name="Use this payer").click()
    expect(page.get_by_text("Payer set to Acme Health.")).to_be_visible()
    # Six integrations at 150 with a 30 copay: 720 expected coverage, 2600 left to the patient.
    expect(page.locator("tfoot")).to_contain_text("720.00")
    expect(page.locator("tfoot")).to_contain_text("2600.00")
    page.screenshot(path=ARTIFACTS / "cost-estimate-front-desk.png", full_page=True)
    page.get_by_role("button", name="Save as the estimate given to the patient").click()
    expect(page.get_by_text("Estimate saved")).to_be_visible()
    assert SavedEstimate.objects.filter(patient=patient, created_by=desk).count() == 1

    portal = browser.new_context(base_url=live_server.url).new_page()
    portal.goto("/portal/login/")
    portal.get_by_label("Username").fill("robin.costs")
    portal.get_by_label("Password").fill(PASSWORD)
    portal.get_by_role("button", name="Sign in").click()
    portal.get_by_role("link", name="My costs").click()
    expect(portal.get_by_role("heading", name="My costs")).to_contain_text("estimate, not a bill")
    expect(portal.get_by_role("row", name="IV package of 6")).to_be_visible()
    expect(portal.locator("tfoot")).to_contain_text("2600.00")
    expect(portal.get_by_role("heading", name="What this estimate assumes")).to_be_visible()
    portal.screenshot(path=ARTIFACTS / "cost-estimate-portal.png", full_page=True)
    portal.context.close()
