"""A prescriber opens the clinic's reports on a synthetic clinic: both charts are drawn beside the
published figures, a filter narrows them, a wrong filter is named, and the CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from openkap.accounts.models import Clinic, Role
from openkap.reports.synth import synth_clinic
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_prescriber_reads_filters_and_downloads_the_reports(page: Page, make_staff):
    summary = synth_clinic(patients=60, seed=21)
    clinic = Clinic.objects.get(pk=summary.clinics[0])
    prescriber = make_staff("dr.rhea", clinic, Role.PRESCRIBER)

    sign_in(page, prescriber)
    page.get_by_role("link", name="Reports").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes and safety")
    expect(page.locator("#outcomes-canvas")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#safety-canvas")).to_have_attribute("data-drawn", "true")
    outcomes = page.get_by_role("region", name="Outcomes")
    expect(outcomes.get_by_role("rowheader", name="PHQ-9")).to_be_visible()
    expect(page.get_by_role("region", name="Safety")).to_contain_text("tsang2023")

    page.get_by_label("Route").select_option("sublingual")
    page.get_by_role("button", name="Show").click()
    by_route = page.get_by_role("region", name="Safety").locator("table").nth(1)
    expect(by_route.locator("tbody tr td:first-child").first).to_have_text("sublingual")
    expect(by_route).not_to_contain_text("intranasal_esketamine")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="safety CSV").click()
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert rows and {row["route"] for row in rows} == {"sublingual"}

    page.get_by_label("From (first day)").fill("2026-03-01")
    page.get_by_label("To (last day)").fill("2026-02-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The last day is before the first.")).to_be_visible()
