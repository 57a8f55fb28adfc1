"""A patient signs in to the portal, sees their next appointments with the clinic's address, makes
a private calendar link, and stops it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.portal.tests.calendar_records import active_plan, appointment
from openkap.portal.tests.fixtures import create_portal_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_adds_their_appointments_to_a_calendar(page: Page, clinic, make_staff, patient):
    clinic.address_line = "12 Harbor Street"
    clinic.city = "Brookline"
    clinic.state = "MA"
    clinic.postal_code = "02446"
    clinic.save()
    plan = active_plan(patient, make_staff("dr.cal", clinic, Role.PRESCRIBER))
    appointment(plan, "dosing", timezone.now() + timedelta(days=2))
    create_portal_account(patient, username="robin.calendar")

    page.goto("/portal/login/")
    page.get_by_label("Username").fill("robin.calendar")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My appointments").first.click()
    expect(page.get_by_role("heading", name="My appointments")).to_be_visible()
    row = page.locator('tr[data-kind="dosing"]')
    expect(row).to_contain_text("Dosing session")
    expect(row).to_contain_text("12 Harbor Street, Brookline, MA 02446")

    page.get_by_role("button", name="Make a link").click()
    link = page.get_by_label("Your new link").input_value()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    feed = Client().get(path)
    assert feed.status_code == 200 and "BEGIN:VEVENT" in feed.content.decode()

    page.get_by_role("button", name="Stop the link").click()
    expect(page.get_by_role("main")).to_contain_text("no calendar link yet")
    assert Client().get(path).status_code == 404
