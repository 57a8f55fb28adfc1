"""A member of the public reads about ketamine therapy and takes the pre-screen, no sign-in needed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from openkap.portal.models import Lead
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_pre_screen_walk(page: Page, clinic, other_clinic):
    page.goto("/portal/login/")
    page.get_by_role("link", name="Side effects and risks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Side effects and risks")
    expect(page.locator("table.rates")).to_contain_text("49.16%")
    page.get_by_role("button", name="Take the pre-screen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Is ketamine treatment worth")

    # Sent empty: every question is named, nothing is saved.
    page.get_by_role("button", name="See my next step").click()
    expect(page.locator(".notice-error")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("Your age in years: This field is required.")).to_be_visible()
    assert not Lead.objects.exists()

    page.get_by_label("Your age in years").fill("38")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Your weight").fill("150")
    page.locator("#fieldset-pregnant").get_by_label("No", exact=True).check()
    page.locator("#fieldset-breastfeeding").get_by_label("No", exact=True).check()
    page.get_by_label("High blood pressure").check()
    page.get_by_label("Top number").fill("150")
    page.get_by_label("Bottom number").fill("95")
    page.locator("#fieldset-allergy_ketamine").get_by_label("No", exact=True).check()

    crisis = page.locator("#crisis-box")
    expect(crisis).to_be_hidden()
    page.locator("#fieldset-suicidal_thoughts").get_by_label("Yes", exact=True).check()
    # The crisis resources appear at once, before the form is sent.
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")
    page.locator("#fieldset-suicidal_thoughts").get_by_label("No", exact=True).check()
    expect(crisis).to_be_hidden()

    page.get_by_label("Which kind of treatment").select_option(label="Through a vein (IV infusion)")
    page.locator("#fieldset-ride_home").get_by_label("Yes", exact=True).check()
    page.get_by_label("Your name").fill("Dana Walker")
    page.get_by_label("E-mail address").fill("dana@example.com")
    page.get_by_label("Which clinic should contact you?").select_option(label=clinic.name)
    page.get_by_label("I agree that this clinic may contact me").check()
    page.get_by_role("button", name="See my next step").click()

    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text(
        "Some of your answers mean a clinician needs to talk with you before booking."
    )
    expect(page.locator("#crisis-box")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "portal-prescreen-next-step.png", full_page=True)
    lead = Lead.objects.get()
    assert (lead.clinic, lead.decision, lead.email) == (clinic, "needs_review", "dana@example.com")
    assert lead.engine_input["route"] == "iv"
