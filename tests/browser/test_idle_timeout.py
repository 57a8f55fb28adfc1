"""The idle time-out locks the page but keeps what the user was typing: sign in again, carry on."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.accounts.sessions import LAST_ACTIVITY
from tests.browser.conftest import fresh_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The shortest idle time-out a clinic may choose (5-30 minutes). session.js locks the page a minute
# before the server would end the session and warns up to a minute before that.
IDLE_MINUTES = 5
LOCK_AFTER_SECONDS = IDLE_MINUTES * 60 - 60
WARNING_SECONDS = 60


def _end_server_session(context: BrowserContext) -> None:
    """What the server sees when the user stayed away longer than the time-out."""
    (cookie,) = [c for c in context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY] = time.time() - IDLE_MINUTES * 60 - 1
    session.save()


@pytest.mark.parametrize(
    "server_session", ["still open", "already ended"], ids=["open", "ended-on-server"]
)
def test_the_idle_lock_keeps_what_was_typed(
    page: Page, clinic, make_staff, make_patient, server_session
):
    clinic.idle_timeout_minutes = IDLE_MINUTES
    clinic.save(update_fields=["idle_timeout_minutes"])
    nurse = make_staff("nurse", clinic, Role.NURSE)
    patient = make_patient(clinic, pronouns="")
    # The page's own clock stands in for the minutes of inactivity: the server runs on real time.
    page.clock.install()
    sign_in(page, nurse)
    page.goto(f"/patients/{patient.public_id}/edit/")
    lock = page.locator("dialog#idle-lock")
    expect(lock).to_have_attribute("data-idle-seconds", str(IDLE_MINUTES * 60))

    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_label("Legal middle name").press_sequentially("Ash")

    page.clock.fast_forward((LOCK_AFTER_SECONDS - WARNING_SECONDS + 5) * 1000)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(re.compile(r"signed out in \d+ seconds"))
    expect(lock).not_to_be_visible()

    page.clock.fast_forward(WARNING_SECONDS * 1000)
    expect(lock).to_be_visible()
    expect(lock.get_by_role("heading")).to_have_text("Signed out after inactivity")
    expect(warning).to_be_hidden()
    # The form behind the dialog still holds the entries.
    expect(page.get_by_label("Pronouns")).to_have_value("they/them")
    if server_session == "already ended":
        _end_server_session(page.context)

    lock.get_by_label("Password").fill(PASSWORD)
    lock.get_by_label("6-digit code").fill(fresh_code(nurse))
    lock.get_by_role("button", name="Sign in and continue").click()
    expect(lock).not_to_be_visible()
    expect(lock.locator("#idle-lock-error")).to_be_hidden()

    expect(page.get_by_label("Pronouns")).to_have_value("they/them")
    expect(page.get_by_label("Legal middle name")).to_have_value("Ash")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.public_id}/$"))
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.locator("hgroup")).to_contain_text("they/them")
    patient.refresh_from_db()
    assert (patient.pronouns, patient.legal_middle_name, patient.version) == ("they/them", "Ash", 2)
