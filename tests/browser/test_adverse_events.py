"""A patient reports a side effect in the portal on their phone (told that the clinic may not see
it right away, with 988 and 911); a nurse finds it in the clinic's list, codes and grades it, and
follows it to its resolution."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.portal.tests.fixtures import create_portal_account
from openkap.safety.models import AdverseEvent, EventSource
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_patient_reports_a_side_effect_and_a_nurse_grades_it(
    page: Page, new_context, clinic, make_staff, patient
):
    create_portal_account(patient, username="robin.reports")
    nurse = make_staff("nurse.grades", clinic, Role.NURSE)
    now = timezone.localtime(timezone=ZoneInfo(clinic.timezone))
    onset = (now - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")

    # The patient, on a phone.
    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.get_by_label("Username").fill("robin.reports")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Report a side effect").first.click()
    expect(page.get_by_role("heading", name="Report a side effect")).to_be_visible()
    notice = page.locator("#not-watched")
    expect(notice).to_contain_text("not watched in real time")
    expect(notice.locator('a[href="tel:988"]')).to_be_visible()
    expect(notice.locator('a[href="tel:911"]')).to_be_visible()

    # Something the list does not name needs words: refused, the field named, nothing saved.
    page.get_by_label("What did you notice?").select_option(
        label="Something else (described by the patient)"
    )
    page.get_by_label("How bad is it?").select_option(label="Moderate")
    page.get_by_label("When did it start?").fill(onset)
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_text("Tell us more: Describe what you noticed.")).to_be_visible()
    assert not AdverseEvent.objects.exists()

    page.get_by_label("Tell us more").fill("Burning when I pee since this morning")
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_role("status")).to_contain_text("sent to your care team")
    expect(page.locator(".my-reports")).to_contain_text("Burning when I pee")
    event = AdverseEvent.objects.get()
    assert (event.source, event.reported_by) == (EventSource.PATIENT, None)

    # The nurse, at the clinic.
    staff = new_context().new_page()
    sign_in(staff, nurse)
    staff.get_by_role("link", name="Safety").click()
    expect(staff.get_by_role("heading", name="Adverse events")).to_be_visible()
    staff.get_by_label("Reported").select_option(label="Reported by the patient")
    staff.get_by_role("button", name="Filter").click()
    staff.get_by_role("link", name=patient.display_name()).click()
    row = staff.locator(f'tr[data-event="{event.pk}"]')
    expect(row).to_contain_text("Burning when I pee")
    row.get_by_role("link", name="Grade / update").click()

    # Saving a resolution without its time is refused, naming the field.
    staff.get_by_label("Side effect").select_option(label="Urinary or bladder symptoms")
    staff.get_by_label("Severity grade").select_option(label="Mild")
    staff.get_by_label("Outcome").select_option(label="Resolved")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("Resolved at: Enter when it resolved.")).to_be_visible()

    staff.get_by_label("Resolved at").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("status")).to_contain_text("Adverse event updated")
    row = staff.locator(f'tr[data-event="{event.pk}"]')
    expect(row).to_contain_text("Urinary or bladder symptoms")
    expect(row).to_contain_text("Mild")
    expect(row).to_contain_text("Resolved")
    event.refresh_from_db()
    assert (event.term, event.severity, event.outcome, event.version) == (
        "urinary_symptoms",
        "mild",
        "resolved",
        2,
    )
