"""A nurse opens the REMS forms due, starts the form of this morning's esketamine session (filled
from the chart), tries to sign off with the typed fields still empty and is refused with each one
named, completes them, signs off with the password and records the fax submission; the form leaves
the list of forms due."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.tests.conftest import (
    clinic,
    dosed,
    esketamine_lot,
    nurse,
    plan,
    prescriber,
    today,
)
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["clinic", "dosed", "esketamine_lot", "nurse", "plan", "prescriber", "today"]


def test_a_nurse_completes_signs_off_and_records_the_form(page: Page, dosed, nurse) -> None:
    sign_in(page, nurse)
    page.get_by_role("link", name="REMS forms").click()
    expect(page.get_by_role("heading", name="REMS Patient Monitoring Forms due")).to_be_visible()
    expect(page.get_by_role("cell", name="Not started")).to_be_visible()
    page.get_by_role("button", name="Start the form").click()
    expect(
        page.get_by_role("heading", name="REMS Patient Monitoring Form", exact=True)
    ).to_be_visible()
    expect(page.get_by_label("Lot number")).to_have_value("ESK-LOT-1")
    expect(page.get_by_label("Total time in minutes from the first device")).to_have_value("125")

    # Sign off too early: the save is kept, the sign-off names what is missing.
    page.get_by_label("Monitoring HCP telephone").fill("555 010 4001")
    page.get_by_label("Your password (to sign off)").fill(PASSWORD)
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.get_by_text("Your changes were saved.")).to_be_visible()
    expect(page.get_by_text("Monitoring HCP email: Required before sign-off.")).to_be_visible()
    expect(
        page.get_by_text("Details of the adverse events: Required before sign-off.")
    ).to_be_visible()
    assert RemsMonitoringForm.objects.get().status == RemsFormStatus.DRAFT

    page.get_by_label("Monitoring HCP email").fill("nora@example.org")
    page.get_by_label("when would this patient have been ready to leave").fill("90")
    page.get_by_label("Details of the adverse events").fill("Moderate dissociation, resolved.")
    page.get_by_label("Your password (to sign off)").fill(PASSWORD)
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.get_by_text("Signed off: to submit")).to_be_visible()

    page.get_by_label("Fax").check()
    page.get_by_role("button", name="Record the submission").click()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    form = RemsMonitoringForm.objects.get()
    assert (form.status, form.submission_method) == (RemsFormStatus.SUBMITTED, "fax")
    assert form.signed_values["ready_to_leave_minutes"] == 90

    page.get_by_role("link", name="all forms due").click()
    expect(page.get_by_text("No REMS forms are waiting")).to_be_visible()
