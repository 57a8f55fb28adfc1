"""Clinics are walled off from each other; a clinic administrator reads, filters, sorts and exports
the audit report."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from openkap.audit.views import CSV_COLUMNS
from openkap.patients.services import patient_register
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATIENT = {
    "legal_given_name": "Wren",
    "legal_family_name": "Abernathy",
    "date_of_birth": "1988-07-09",
    "sex": "female",
}


def test_a_patient_of_another_clinic_is_not_found(page: Page, clinic, other_clinic, make_staff):
    north_nurse = make_staff("northnurse", clinic, Role.NURSE)
    south_desk = make_staff("southdesk", other_clinic, Role.FRONT_DESK)
    southerner = patient_register(actor=south_desk, clinic=other_clinic, data=PATIENT)
    sign_in(page, north_nurse)

    response = page.goto(f"/patients/{southerner.public_id}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_text("belongs to a clinic you do not work in")).to_be_visible()
    expect(page.get_by_text("Abernathy")).to_have_count(0)
    response = page.goto(f"/patients/{southerner.public_id}/edit/")
    assert response is not None and response.status == 404
    # Nor does the search find them.
    page.goto("/patients/")
    page.get_by_label("Name, date of birth or MRN").fill("Abernathy")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_contain_text("No patient in your clinics matches")


def test_a_clinic_admin_filters_sorts_and_exports_the_audit_report(
    page: Page, clinic, other_clinic, make_staff
):
    admin = make_staff("admin", clinic, Role.CLINIC_ADMIN)
    nurse = make_staff("nurse", clinic, Role.NURSE)
    desk = make_staff("desk", clinic, Role.FRONT_DESK)
    south_desk = make_staff("southdesk", other_clinic, Role.FRONT_DESK)
    patient_register(actor=nurse, clinic=clinic, data=PATIENT)
    patient_register(actor=desk, clinic=clinic, data={**PATIENT, "legal_given_name": "Ivo"})
    patient_register(actor=desk, clinic=clinic, data={**PATIENT, "legal_given_name": "Ada"})
    # Another clinic's activity is not this administrator's to see.
    patient_register(actor=south_desk, clinic=other_clinic, data=PATIENT)
    sign_in(page, admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit report")
    table = page.locator("table")
    rows = table.locator("tbody tr")
    # Three registrations, the administrator's own sign-in and this opening of the report itself,
    # newest first.
    expect(rows).to_have_count(5)
    expect(rows.first.locator("td").nth(3)).to_have_text("Read")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("Sign-in")
    expect(page.get_by_text("southdesk")).to_have_count(0)

    page.get_by_label("Action").select_option(label="Create")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("3 events")).to_be_visible()
    expect(rows).to_have_count(3)
    expect(table.locator("tbody tr td:nth-child(4)")).to_have_text(["Create"] * 3)
    # The filter stays chosen after the page comes back.
    expect(page.get_by_label("Action")).to_have_value("create")

    user_header = table.get_by_role("columnheader", name=re.compile("^User"))
    user_header.get_by_role("button").click()
    expect(user_header).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr td:nth-child(2)")).to_have_text(["desk", "desk", "nurse"])
    user_header.get_by_role("button").click()
    expect(user_header).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr td:nth-child(2)")).to_have_text(["nurse", "desk", "desk"])
    expect(page.get_by_label("Action")).to_have_value("create")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert re.fullmatch(r"audit-\d{8}T\d{6}Z\.csv", download.suggested_filename)
    with open(download.path(), newline="", encoding="utf-8") as handle:
        exported = list(csv.reader(io.StringIO(handle.read())))
    assert exported[0] == list(CSV_COLUMNS)
    body = [dict(zip(exported[0], row, strict=True)) for row in exported[1:]]
    assert [(row["username"], row["action"]) for row in body] == [
        ("nurse", "create"),
        ("desk", "create"),
        ("desk", "create"),
    ]
    assert {row["clinic"] for row in body} == {"North"}
    assert all(row["patient_mrn"].startswith("NO-") for row in body)
