"""The portal's inactivity lock: the same script as the staff pages, a password-only dialog; what the
patient typed stays on the page and is sent once they are signed in again."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.sessions import LAST_ACTIVITY
from openkap.consent.models import SignedConsent
from openkap.consent.services import consent_document_publish
from openkap.portal.tests.fixtures import create_portal_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 15 * 60  # the portal's idle time-out; the page locks a minute before it


def test_the_portal_lock_keeps_what_the_patient_typed(page: Page, patient):
    consent_document_publish(
        actor=None,
        clinic=patient.clinic,
        kind="no_driving",
        title="No driving",
        body="No driving until the next day.",
        basis="Label",
    )
    create_portal_account(patient, username="robin.idle")
    page.clock.install()
    page.goto("/portal/login/")
    page.get_by_label("Username").fill("robin.idle")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/consent/mine/no_driving/sign/")
    lock = page.locator("dialog#idle-lock")
    expect(lock).to_have_attribute("data-idle-seconds", str(IDLE_SECONDS))
    page.get_by_label("Type your full legal name to sign").fill(patient.legal_name())

    page.clock.fast_forward((IDLE_SECONDS - 60 + 5) * 1000)
    expect(lock).to_be_visible()
    expect(lock.get_by_role("heading")).to_have_text("Signed out after inactivity")
    # The server ended the session meanwhile (the patient stayed away longer).
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY] = time.time() - IDLE_SECONDS - 1
    session.save()

    lock.get_by_label("Password").fill(PASSWORD)
    lock.get_by_role("button", name="Sign in and continue").click()
    expect(lock).not_to_be_visible()
    expect(page.get_by_label("Type your full legal name to sign")).to_have_value(
        patient.legal_name()
    )
    page.get_by_label("I have read and understood").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Signed:")
    assert SignedConsent.objects.get().patient == patient
