"""Front desk: sign in, register a patient (a mistake first), land on the chart, find them again."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from openkap.accounts.models import Role
from openkap.patients.models import Patient
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_registers_a_patient_and_opens_the_chart(page: Page, clinic, make_staff):
    desk = make_staff("desk", clinic, Role.FRONT_DESK)
    sign_in(page, desk)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", name="Register a patient")).to_be_visible()
    page.get_by_label("Legal first name").fill("Imogen")
    page.get_by_label("Legal last name").fill("Quarrington")
    page.get_by_label("Preferred name").fill("Immy")
    # A slip of the keyboard: a birth date in the future.
    page.get_by_label("Date of birth").fill(f"{date.today().year + 1}-03-14")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Phone", exact=True).fill("(555) 010-4477")
    page.get_by_role("button", name="Register patient").click()

    expect(page.locator(".notice-error")).to_contain_text(
        "Nothing was saved. Please correct the field marked below: Date of birth."
    )
    expect(page.locator("#id_date_of_birth_error")).to_have_text(
        "Date of birth: The date of birth cannot be in the future."
    )
    # What was typed stays in the form, and no patient exists yet.
    expect(page.get_by_label("Legal last name")).to_have_value("Quarrington")
    assert Patient.objects.count() == 0

    page.get_by_label("Date of birth").fill("1979-03-14")
    page.get_by_role("button", name="Register patient").click()

    patient = Patient.objects.get()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Immy Quarrington")
    expect(page.locator("hgroup .badge")).to_have_text("MRN NO-000001")
    expect(page.get_by_role("status")).to_contain_text(
        "Immy Quarrington is registered with MRN NO-000001."
    )
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text("Registered")
    expect(timeline.first).to_contain_text("NO-000001")
    assert (patient.legal_given_name, patient.date_of_birth) == ("Imogen", date(1979, 3, 14))

    # Someone else of the same clinic, so the search must pick the right one out.
    Patient.objects.create(
        clinic=clinic,
        mrn="NO-000002",
        legal_given_name="Oskar",
        legal_family_name="Brandt",
        date_of_birth=date(1990, 1, 2),
        sex="male",
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(2)

    search = page.get_by_role("search")
    for query in ("quarr", "no-000001"):
        search.get_by_label("Name, date of birth or MRN").fill(query)
        search.get_by_role("button", name="Search").click()
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("NO-000001")
        link = results.first.get_by_role("link", name="Quarrington, Imogen")
        expect(link).to_have_attribute("href", f"/patients/{patient.public_id}/")

    link.click()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.public_id}/$"))
    expect(page.locator("hgroup .badge")).to_have_text("MRN NO-000001")
