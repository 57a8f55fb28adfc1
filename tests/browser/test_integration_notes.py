"""A therapist writes and signs the integration note of a session that took place, then writes a
private psychotherapy note. A nurse of the care team reads the integration note on the chart but
cannot open the psychotherapy note (404), and nothing of its text is on the chart."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.integration.models import IntegrationNote, PsychotherapyNote
from openkap.plans.models import AppointmentStatus
from openkap.portal.tests.calendar_records import active_plan, appointment
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRIVATE = "She spoke of the lake house for the first time"
# Set OPENKAP_SCREENSHOTS=1 to keep a picture of each step in test-artifacts/ (to look at them).
SHOTS = os.environ.get("OPENKAP_SCREENSHOTS") == "1"


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=Path(ARTIFACTS) / f"integration-{name}.png", full_page=True)


def test_a_therapist_writes_both_notes_and_a_nurse_sees_only_the_chart_note(
    page: Page, new_context, clinic, make_staff, patient
):
    prescriber = make_staff("dr.integ", clinic, Role.PRESCRIBER)
    therapist = make_staff("therapist.integ", clinic, Role.THERAPIST)
    nurse = make_staff("nurse.integ", clinic, Role.NURSE)
    plan = active_plan(patient, prescriber)
    session = appointment(
        plan, "integration", timezone.now() - timedelta(hours=1), label="Integration after dose 1"
    )

    # The therapist writes the chart note from the chart's integration section, and signs it.
    sign_in(page, therapist)
    page.goto(f"/patients/{patient.public_id}/")
    page.get_by_role("link", name="Integration sessions and notes").click()
    expect(page.get_by_role("heading", name="Integration", exact=True)).to_be_visible()
    _shot(page, "0-section")
    page.get_by_role("button", name="Write the note").click()
    page.get_by_label("Themes").fill("Reconnecting with music; less self-blame")
    page.get_by_label("Goals").fill("Play piano twice a week")
    page.get_by_label("Follow-up").fill("Review the journal at the next integration session")
    _shot(page, "1-form")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="Integration note")).to_contain_text("Draft")
    page.get_by_label("Your password (to sign)").fill("not-the-password")
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_role("alert").first).to_contain_text("password")
    _shot(page, "2-wrong-password")
    page.get_by_label("Your password (to sign)").fill(PASSWORD)
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_role("heading", name="Integration note")).to_contain_text("Signed")
    expect(page.get_by_text("Signed by")).to_be_visible()
    _shot(page, "3-signed")
    note = IntegrationNote.objects.get()
    session.refresh_from_db()
    assert session.status == AppointmentStatus.DONE

    # Then a private psychotherapy note, apart from the chart.
    page.get_by_role("link", name="Integration sessions").click()
    page.get_by_role("button", name="Write a psychotherapy note").click()
    page.get_by_label("Psychotherapy note").fill(PRIVATE)
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_label("Psychotherapy note")).to_have_value(PRIVATE)
    _shot(page, "4-private")
    private = PsychotherapyNote.objects.get()
    page.get_by_role("link", name="My psychotherapy notes").click()
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the note
    _shot(page, "4b-mine")

    # The nurse reads the integration note on the chart, and nothing of the private one.
    nurse_page = new_context().new_page()
    sign_in(nurse_page, nurse)
    nurse_page.goto(f"/patients/{patient.public_id}/")
    expect(nurse_page.locator(".timeline")).to_contain_text("Integration note signed")
    expect(nurse_page.locator("body")).not_to_contain_text("lake house")
    _shot(nurse_page, "5-nurse-chart")
    nurse_page.get_by_role("link", name="Integration sessions and notes").click()
    nurse_page.get_by_role("link", name="Open the note").click()
    expect(nurse_page.locator("body")).to_contain_text("Play piano twice a week")
    expect(nurse_page.get_by_role("button", name="Sign the addendum")).to_have_count(0)
    expect(nurse_page.get_by_text("Write a psychotherapy note")).to_have_count(0)
    response = nurse_page.goto(f"/integration/psychotherapy/{private.public_id}/")
    assert response is not None and response.status == 404
    expect(nurse_page.locator("body")).not_to_contain_text("lake house")
    _shot(nurse_page, "6-nurse-404")
    nurse_page.goto("/integration/psychotherapy/")
    expect(nurse_page.locator("body")).to_contain_text("No psychotherapy notes")
    assert note.themes.startswith("Reconnecting")
