"""An at-home patient on a phone checks in before a session: alcohol today, so the check-in fails
and she is told not to take the dose and whom to call; then with everything safe it passes, she
records the dose and reports after the session. A nurse sees the blocked check-in's alert and
acknowledges it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.athome.models import AtHomeAlert, CheckIn, DoseTaken, SessionReport
from openkap.athome.tests.factories import make_at_home_plan
from openkap.portal.tests.fixtures import create_portal_account
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def _answer_safely(mobile: Page) -> None:
    mobile.get_by_label("Your monitor's full name").fill("Dana Hart")
    mobile.locator("#fieldset-monitor_adult").get_by_label("Yes").check()
    mobile.get_by_label("Monitor: type your own name").fill("Dana Hart")
    mobile.get_by_label("I am present with the patient and will stay").check()
    mobile.locator("#fieldset-safe_place").get_by_label("Yes").check()
    mobile.locator("#fieldset-substances").get_by_label("None of these").check()
    mobile.get_by_label("Blood pressure: top number").fill("124")
    mobile.get_by_label("Blood pressure: bottom number").fill("78")
    mobile.locator("#fieldset-driving_planned").get_by_label("No").check()


def test_a_failed_then_a_passed_check_in_on_a_phone_and_the_nurse_sees_the_alert(
    page: Page, browser: Browser, live_server, clinic, make_staff, patient
):
    clinic.phone = "(617) 555-0100"
    clinic.save()
    nurse = make_staff("nora.nurse", clinic, Role.NURSE)
    prescriber = make_staff("pat.prescriber", clinic, Role.PRESCRIBER)
    plan = make_at_home_plan(patient, prescriber)
    session = plan.appointments.filter(kind="dosing").order_by("starts_at").first()
    assert session is not None
    create_portal_account(patient, username="robin.home")

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    mobile = phone.new_page()
    try:
        mobile.goto("/portal/login/")
        mobile.get_by_label("Username").fill("robin.home")
        mobile.get_by_label("Password").fill(PASSWORD)
        mobile.get_by_role("button", name="Sign in").click()
        mobile.goto("/athome/me/")
        expect(mobile.get_by_role("heading", name="My at-home sessions")).to_be_visible()
        _fits(mobile)
        mobile.screenshot(path=ARTIFACTS / "athome-phone-me.png", full_page=True)
        mobile.get_by_role("button", name="Start the check-in").click()
        expect(mobile.get_by_role("heading", name="Check-in before your session")).to_be_visible()
        _fits(mobile)

        # Had a glass of wine at lunch: blocked.
        _answer_safely(mobile)
        mobile.locator("#fieldset-alcohol_today").get_by_label("Yes").check()
        mobile.screenshot(path=ARTIFACTS / "athome-phone-checkin.png", full_page=True)
        mobile.get_by_role("button", name="Check in").click()
        blocked = mobile.get_by_role("alert").filter(has_text="Do not take your dose now")
        expect(blocked).to_be_visible()
        expect(blocked).to_contain_text("No alcohol today")
        expect(blocked.locator('a[href="tel:911"]')).to_be_visible()
        expect(blocked.locator('a[href="tel:988"]')).to_be_visible()
        expect(blocked).to_contain_text("(617) 555-0100")
        expect(mobile.get_by_role("button", name="I took my dose")).to_have_count(0)
        _fits(mobile)
        mobile.screenshot(path=ARTIFACTS / "athome-phone-blocked.png", full_page=True)

        # The next session day, all safe: passes and unlocks the dose.
        mobile.get_by_role("link", name="check in again").click()
        _answer_safely(mobile)
        mobile.locator("#fieldset-alcohol_today").get_by_label("No").check()
        mobile.get_by_role("button", name="Check in").click()
        expect(mobile.get_by_role("heading", name="Check-in passed")).to_be_visible()
        mobile.screenshot(path=ARTIFACTS / "athome-phone-passed.png", full_page=True)
        mobile.get_by_role("button", name="I took my dose").click()

        # After the session: the report, with a side effect and a journal entry.
        expect(mobile.get_by_role("heading", name="After your session")).to_be_visible()
        expect(mobile.locator("#not-watched")).to_be_visible()
        mobile.locator("#fieldset-how_it_went").get_by_label("It went well").check()
        mobile.get_by_label("Side effect 1", exact=True).select_option("nausea")
        mobile.get_by_label("How bad was side effect 1?").select_option("mild")
        mobile.get_by_label("Your journal").fill("Calm; a memory of my grandmother came up.")
        _fits(mobile)
        mobile.screenshot(path=ARTIFACTS / "athome-phone-report.png", full_page=True)
        mobile.get_by_role("button", name="Send to my care team").click()
        expect(mobile.get_by_text("your report was sent to your care team")).to_be_visible()
    finally:
        phone.close()
    assert [c.outcome for c in CheckIn.objects.order_by("pk")] == ["blocked", "pass"]
    assert DoseTaken.objects.filter(appointment=session).exists()
    assert SessionReport.objects.get().adverse_events.count() == 1

    sign_in(page, nurse)
    page.get_by_role("link", name="At home").click()
    page.get_by_role("link", name="At-home alerts").click()
    card = page.locator("article.alert-card")
    expect(card).to_contain_text("Check-in blocked")
    expect(card).to_contain_text(patient.mrn)
    page.screenshot(path=ARTIFACTS / "athome-nurse-alerts.png", full_page=True)
    card.get_by_label("What was done").fill("Called her: dose moved to tomorrow.")
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    assert AtHomeAlert.objects.get().acknowledged_by == nurse
    page.get_by_role("link", name="At home", exact=True).click()
    page.get_by_role("link", name=patient.display_name()).click()
    expect(page.get_by_role("heading", name="At-home programme:")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "athome-nurse-patient.png", full_page=True)
