"""Two people edit the same patient at once: the later save is held, shows what the other changed,
and overwrites nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_edit_form(page: Page, patient) -> None:
    page.goto(f"/patients/{patient.public_id}/")
    page.get_by_role("button", name="Edit details").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Edit {patient.display_name()}")


def test_the_second_save_shows_the_conflict_and_overwrites_nothing(
    new_context, clinic, make_staff, make_patient
):
    patient = make_patient(clinic, phone="(555) 010-1111", preferred_name="")
    nurse = make_staff("nurse", clinic, Role.NURSE)
    desk = make_staff("desk", clinic, Role.FRONT_DESK)
    nurse_page = new_context().new_page()
    desk_page = new_context().new_page()
    sign_in(nurse_page, nurse)
    sign_in(desk_page, desk)
    _open_edit_form(nurse_page, patient)
    _open_edit_form(desk_page, patient)

    # The nurse changes the phone number and saves first.
    nurse_page.get_by_label("Phone", exact=True).fill("(555) 010-2222")
    nurse_page.get_by_role("button", name="Save changes").click()
    expect(nurse_page.get_by_role("status")).to_contain_text("Saved.")

    # The front desk, on the form opened before that save, adds a preferred name.
    desk_page.get_by_label("Preferred name").fill("Bobbie")
    desk_page.get_by_role("button", name="Save changes").click()

    conflict = desk_page.locator("section.conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("heading")).to_have_text(
        "Someone else saved changes while you were editing"
    )
    rows = conflict.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(["Phone", "(555) 010-1111", "(555) 010-2222"])
    # The front desk's entry is still in the form; nothing of it, and nothing over the nurse's
    # change, reached the database.
    expect(desk_page.get_by_label("Preferred name")).to_have_value("Bobbie")
    patient.refresh_from_db()
    saved = (patient.phone, patient.preferred_name, patient.version)
    assert saved == ("(555) 010-2222", "", 2)

    # Having seen it, the front desk takes the nurse's number and saves again: now it goes through.
    desk_page.get_by_label("Phone", exact=True).fill("(555) 010-2222")
    desk_page.get_by_role("button", name="Save changes").click()
    expect(desk_page).to_have_url(re.compile(rf"/patients/{patient.public_id}/$"))
    expect(desk_page.get_by_role("status")).to_contain_text("Saved.")
    patient.refresh_from_db()
    saved = (patient.phone, patient.preferred_name, patient.version)
    assert saved == ("(555) 010-2222", "Bobbie", 3)
