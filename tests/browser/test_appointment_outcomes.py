"""A nurse records the outcome of past appointments from the patient's schedule: the preparation
session done, the dosing session missed (a no-show). The missed dose stays on the plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from openkap.portal.tests.calendar_records import active_plan, appointment
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_marks_a_session_done_and_a_dose_missed(page: Page, clinic, make_staff, patient):
    prescriber = make_staff("dr.outcome", clinic, Role.PRESCRIBER)
    nurse = make_staff("nurse.outcome", clinic, Role.NURSE)
    plan = active_plan(patient, prescriber)
    now = timezone.now()
    preparation = appointment(plan, "preparation", now - timedelta(days=2))
    dose = appointment(plan, "dosing", now - timedelta(hours=3))
    later = appointment(plan, "integration", now + timedelta(days=1))
    sign_in(page, nurse)
    page.goto(f"/plans/{patient.public_id}/")

    row = page.locator(f"#appointment-{preparation.pk}")
    row.locator("summary", has_text="Outcome").click()
    row.get_by_label("Note (optional)").fill("Questions answered")
    row.get_by_role("button", name="Done", exact=True).click()
    row = page.locator(f"#appointment-{preparation.pk}")
    expect(row).to_have_attribute("data-status", "done")
    expect(row).to_contain_text("Questions answered")

    # A dosing session offers only "missed": its chart marks it done when signed.
    row = page.locator(f"#appointment-{dose.pk}")
    row.locator("summary", has_text="Outcome").click()
    expect(row.get_by_role("button", name="Done", exact=True)).to_have_count(0)
    expect(row).to_contain_text("marked done by its chart")
    row.get_by_role("button", name="Missed (no-show)").click()
    row = page.locator(f"#appointment-{dose.pk}")
    expect(row).to_have_attribute("data-status", "missed")
    expect(row).to_contain_text("Did not attend")
    expect(row.locator("summary", has_text="Outcome")).to_have_count(0)

    # An appointment still to come has no outcome yet.
    expect(page.locator(f"#appointment-{later.pk} summary", has_text="Outcome")).to_have_count(0)
    dose.refresh_from_db()
    assert dose.status == "missed"
