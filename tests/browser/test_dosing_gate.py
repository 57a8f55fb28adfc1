"""A nurse records the BEFORE gate of today's dosing session; a positive suicide-risk check is a soft
stop; the prescriber overrides it with a reason and their password; the session is ready to dose."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.dosing.models import DosingSession, GateOverride
from openkap.dosing.tests.conftest import appointment, consented, nurse, prescriber
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["appointment", "consented", "nurse", "prescriber"]


def test_a_soft_stop_is_overridden_by_the_prescriber(
    page: Page, new_context, appointment, consented, nurse, prescriber
):
    sign_in(page, nurse)
    page.get_by_role("link", name="Today's sessions").click()
    expect(page.get_by_role("heading", name="Today's dosing sessions")).to_be_visible()
    page.get_by_role("link", name="Start the gate").click()
    expect(page.get_by_role("heading", name="Before the dose: the gate")).to_be_visible()

    # A slip first: an impossible SpO2 is refused naming the field, nothing saved.
    page.get_by_label("Fasting as instructed").select_option("yes")
    page.get_by_label("No alcohol today").select_option("yes")
    page.get_by_label("Escort home (name)").fill("Sam Driver")
    page.get_by_label("Systolic BP (mmHg)").fill("124")
    page.get_by_label("Diastolic BP (mmHg)").fill("78")
    page.get_by_label("Heart rate (beats/min)").fill("72")
    page.get_by_label("SpO2 (%)").fill("140")
    page.get_by_label("Suicide-risk check").select_option("positive")
    page.get_by_label("Agreed signal").fill("Raise a hand")
    page.get_by_role("button", name="Check the gate").click()
    expect(
        page.get_by_text("SpO2 (%): Ensure this value is less than or equal to 100.")
    ).to_be_visible()
    assert not DosingSession.objects.exists()
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_role("button", name="Check the gate").click()
    expect(page.get_by_text("Soft stop: a prescriber reviews")).to_be_visible()

    prescriber_page = new_context().new_page()
    sign_in(prescriber_page, prescriber)
    prescriber_page.goto(page.url)
    prescriber_page.get_by_label("Reason to dose despite the soft stop").fill(
        "Passive thoughts only; safety plan reviewed with the patient."
    )
    prescriber_page.get_by_label("Your password (to confirm)").fill("not-my-password")
    prescriber_page.get_by_role("button", name="Override and clear for dosing").click()
    expect(
        prescriber_page.get_by_text("Your password (to confirm): The password is not correct.")
    ).to_be_visible()
    prescriber_page.get_by_label("Your password (to confirm)").fill(PASSWORD)
    prescriber_page.get_by_role("button", name="Override and clear for dosing").click()
    expect(prescriber_page.get_by_text("Ready to dose.")).to_be_visible()
    assert GateOverride.objects.get().items == ["suicide_check"]
