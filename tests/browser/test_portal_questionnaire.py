"""A patient answers a PHQ-9 on a phone with item 9 positive and sees 988 at once; a nurse sees the
alert banner on her pages and acknowledges it with what she did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.outcomes.models import QuestionnaireAssignment, Reason, SuicideRiskAlert
from openkap.portal.tests.fixtures import create_portal_account
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_patient_answers_a_phq9_on_a_phone_and_a_nurse_acknowledges_the_alert(
    page: Page, browser: Browser, live_server, clinic, make_staff, patient
):
    nurse = make_staff("nora.nurse", clinic, Role.NURSE)
    create_portal_account(patient, username="robin.phq")
    QuestionnaireAssignment.objects.create(
        patient=patient,
        instrument_id="phq9",
        due_at=timezone.now() + timedelta(hours=2),
        reason=Reason.BEFORE_DOSING,
    )

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    mobile = phone.new_page()
    try:
        mobile.goto("/portal/login/")
        mobile.get_by_label("Username").fill("robin.phq")
        mobile.get_by_label("Password").fill(PASSWORD)
        mobile.get_by_role("button", name="Sign in").click()
        mobile.goto("/portal/questionnaires/")
        expect(mobile.get_by_role("heading", name="My questionnaires")).to_be_visible()
        expect(mobile.locator("#not-watched")).to_be_visible()
        mobile.get_by_role("button", name="PHQ-9: Patient Health Questionnaire-9").click()
        expect(mobile.get_by_role("heading", name="Patient Health Questionnaire-9")).to_be_visible()
        # The page fits the phone: nothing wider than the screen.
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        mobile.screenshot(path=ARTIFACTS / "phq9-phone-form.png", full_page=True)

        # Send with one item unanswered: refused, naming the item.
        for n in range(1, 9):
            mobile.locator(f"#fieldset-item_{n}").get_by_label("Several days").check()
        mobile.get_by_role("button", name="Send my answers").click()
        expect(mobile.locator("#fieldset-item_9")).to_contain_text("Choose one answer.")
        assert not SuicideRiskAlert.objects.exists()

        mobile.locator("#fieldset-item_9").get_by_label("Several days").check()
        mobile.get_by_role("button", name="Send my answers").click()
        crisis = mobile.locator("#crisis-now")
        expect(crisis).to_be_visible()
        expect(crisis.locator('a[href="tel:988"]')).to_be_visible()
        mobile.screenshot(path=ARTIFACTS / "phq9-phone-crisis.png", full_page=True)
    finally:
        phone.close()
    assert SuicideRiskAlert.objects.filter(patient=patient, acknowledged_at=None).count() == 1

    sign_in(page, nurse)
    banner = page.locator("#suicide-alert-banner")
    expect(banner).to_be_visible()
    page.goto("/patients/")
    expect(banner).to_be_visible()
    page.screenshot(path=ARTIFACTS / "alert-banner.png", full_page=True)
    banner.get_by_role("link", name="See and acknowledge now").click()
    card = page.locator("article.alert-card")
    expect(card).to_contain_text(patient.legal_family_name)
    card.get_by_role("button", name="Acknowledge").click()
    # Empty: the browser's own check or the server's both keep the alert open.
    assert SuicideRiskAlert.objects.get().acknowledged_at is None
    card.get_by_label("What was done").fill("Called Robin; safety plan reviewed; seen today.")
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    expect(page.locator("#suicide-alert-banner")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "alert-acknowledged.png", full_page=True)
    alert = SuicideRiskAlert.objects.get()
    assert alert.acknowledged_by == nurse


def test_a_prescriber_sees_scores_over_time_and_decides_after_a_relapse(
    page: Page, clinic, make_staff, patient
):
    from openkap.outcomes.models import MaintenanceDecision
    from openkap.outcomes.tests.conftest import add_scores

    prescriber = make_staff("dr.maint", clinic, Role.PRESCRIBER)
    add_scores(patient, prescriber, "phq9", [20, 12, 8, 4, 14, 16])
    sign_in(page, prescriber)
    page.goto(f"/outcomes/patients/{patient.public_id}/")
    expect(page.locator("#outcomes-canvas-0")).to_have_attribute("data-points", "6")
    prompt = page.get_by_role("alert").filter(has_text="a maintenance decision is needed")
    expect(prompt).to_be_visible()
    page.screenshot(path=ARTIFACTS / "outcomes-chart.png", full_page=True)
    prompt.get_by_label("Increase the dosing frequency").check()
    prompt.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#fieldset-reason, .field-error").first).to_contain_text("Reason")
    assert not MaintenanceDecision.objects.exists()
    prompt = page.get_by_role("alert").filter(has_text="a maintenance decision is needed")
    prompt.get_by_label("Increase the dosing frequency").check()
    prompt.get_by_role("textbox", name="Reason").fill(
        "Back to moderately severe after two weeks off."
    )
    prompt.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Maintenance decision recorded.")).to_be_visible()
    expect(page.get_by_text("a maintenance decision is needed")).to_have_count(0)
    assert MaintenanceDecision.objects.get().decision == "increase"
