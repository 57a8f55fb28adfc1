"""The clinic administrator opens the quality self-audit: what is missing is highlighted with a link
to fix it; they record a therapist's licence and log an emergency drill (a wrong date refused and
named first), and the items turn met."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_fixes_what_the_self_audit_shows_missing(page: Page, clinic, make_staff):
    admin = make_staff("admin.quinn", clinic, Role.CLINIC_ADMIN)
    therapist = make_staff("therapist.ines", clinic, Role.THERAPIST)
    therapist.first_name, therapist.last_name, therapist.credentials = "Ines", "Alvarez", "LCSW"
    therapist.save()
    make_staff("dr.mora", clinic, Role.PRESCRIBER)
    today = timezone.localdate()

    sign_in(page, admin)
    page.get_by_role("link", name="Quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality self-audit")

    therapist_item = page.locator("#item-mental_health_provider")
    expect(therapist_item).to_have_attribute("data-status", "missing")
    expect(therapist_item).to_have_class("q-item q-item-missing")
    drill_item = page.locator("#item-drill_cadence")
    expect(drill_item).to_have_attribute("data-status", "missing")
    expect(drill_item).to_contain_text("No emergency drill has been logged.")

    # Record the therapist's licence from the highlighted item.
    therapist_item.get_by_role("button", name="Record a licence").click()
    page.get_by_label("Staff member").select_option(label="Ines Alvarez, LCSW")
    page.get_by_label("Kind").select_option("mental_health_licence")
    page.get_by_label("Credential", exact=True).fill("LCSW")
    page.get_by_label("Licence or certificate number").fill("LCSW-77120")
    page.get_by_label("Issuing state or body").fill("Board of Social Workers")
    page.get_by_label("Expires on").fill((today + timedelta(days=500)).isoformat())
    page.get_by_role("button", name="Record the licence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff licences and certificates")
    expect(page.locator("body")).to_contain_text("LCSW-77120")

    page.get_by_role("link", name="Self-audit").click()
    expect(page.locator("#item-mental_health_provider")).to_have_attribute("data-status", "met")

    # Log a drill: a date in the future is refused and named, then the right date is saved.
    page.locator("#item-drill_cadence").get_by_role("button", name="Log a drill").click()
    page.get_by_label("Held on").fill((today + timedelta(days=3)).isoformat())
    page.get_by_label("Scenario").select_option("airway")
    page.get_by_label("Ines Alvarez, LCSW").check()
    page.get_by_label("Findings").fill("Oxygen and bag-valve mask reached in 80 seconds.")
    page.get_by_role("button", name="Log the drill").click()
    expect(page.get_by_role("alert").filter(has_text="Held on:")).to_contain_text(
        "the date is in the future"
    )
    page.get_by_label("Held on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Log the drill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency drills")
    expect(page.locator("tbody")).to_contain_text("Airway / respiratory depression")

    page.get_by_role("link", name="Self-audit").click()
    expect(page.locator("#item-drill_cadence")).to_have_attribute("data-status", "met")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "quality-self-audit-after.png", full_page=True)
