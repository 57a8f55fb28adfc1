"""A patient signs a consent in the portal; another signs on a clinic tablet handed over by staff."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.consent.models import SignedConsent
from openkap.consent.services import consent_document_publish, default_texts
from openkap.portal.tests.fixtures import create_portal_account
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(clinic):
    text = default_texts()["no_driving"]
    return consent_document_publish(
        actor=None,
        clinic=clinic,
        kind="no_driving",
        title=text.title,
        body=text.body,
        basis=text.basis,
    )


def test_a_patient_signs_in_the_portal(page: Page, patient, published):
    user = create_portal_account(patient, username="robin.portal")
    page.goto("/portal/login/")
    page.get_by_label("Username").fill("robin.portal")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    page.get_by_role("link", name="Read and sign").click()
    expect(page.get_by_role("heading", name=published.title)).to_be_visible()

    page.get_by_label("I have read and understood").check()
    page.get_by_label("Type your full legal name to sign").fill("Robin Someone")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("#id_typed_name_error")).to_contain_text(
        "Type your full legal name exactly"
    )
    assert not SignedConsent.objects.exists()
    page.screenshot(path=ARTIFACTS / "consent-portal-name-mismatch.png", full_page=True)

    page.get_by_label("I have read and understood").check()
    page.get_by_label("Type your full legal name to sign").fill(patient.legal_name())
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Signed:")
    expect(page.locator("td .badge").first).to_have_text("signed, current")
    page.locator("details.signed-copy summary").click()
    expect(page.locator(".signed-copy")).to_contain_text("fingerprint matches")
    signed = SignedConsent.objects.get()
    assert (signed.method, signed.signed_in_user, signed.witness) == ("portal", user, None)
    assert signed.signed_body == published.body


def test_a_patient_signs_on_a_clinic_tablet(page: Page, clinic, patient, make_staff, published):
    desk = make_staff("desk", clinic, Role.FRONT_DESK)
    sign_in(page, desk)
    page.goto(f"/patients/{patient.public_id}/")
    expect(page.locator(".chart-consent")).to_contain_text("not signed")
    page.get_by_role("button", name="Consents").click()
    page.get_by_role("button", name="Sign on this tablet").click()
    expect(page).to_have_url(f"{page.url.split('/consent/')[0]}/consent/tablet/")
    # The tablet shows no staff menu: only the document, and a way back for staff.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.get_by_label("I have read and understood").check()
    page.get_by_label("Type your full legal name to sign").fill(patient.legal_name().upper())
    page.screenshot(path=ARTIFACTS / "consent-tablet-before-signing.png", full_page=True)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, it is signed")
    page.get_by_role("button", name="Staff: back to the patient's consents").click()
    expect(page.locator("tbody")).to_contain_text("signed, current")
    signed = SignedConsent.objects.get()
    assert (signed.method, signed.witness, signed.patient) == ("tablet", desk, patient)
