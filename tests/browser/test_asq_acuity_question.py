"""A nurse enters an ASQ on the clinic tablet: question 5 ("right now?") appears only once a screen
question (1-4) is answered yes or declined, and hides again when every screen answer is no."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_question_five_is_asked_only_after_a_yes(page: Page, clinic, make_staff, patient):
    nurse = make_staff("asq.tablet", clinic, Role.NURSE)
    sign_in(page, nurse)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(
        reverse("outcomes:record", kwargs={"public_id": patient.public_id}) + "?instrument=asq"
    )
    acuity = page.locator("#fieldset-item_5")
    for n in range(1, 5):
        page.locator(f"#fieldset-item_{n}").get_by_label("No", exact=True).check()
    expect(acuity).to_be_hidden()

    page.locator("#fieldset-item_2").get_by_label("Declined to answer").check()
    expect(acuity).to_be_visible()
    page.screenshot(path=ARTIFACTS / "asq-acuity-asked.png", full_page=True)

    page.locator("#fieldset-item_2").get_by_label("No", exact=True).check()
    expect(acuity).to_be_hidden()

    page.locator("#fieldset-item_4").get_by_label("Yes", exact=True).check()
    acuity.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and score").click()
    expect(page.get_by_text("non-acute positive", exact=False).first).to_be_visible()
