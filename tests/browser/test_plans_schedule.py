"""A prescriber writes a treatment plan for an eligible patient, signs it, sees the schedule it
generates from the protocol, and moves a dosing session (its integration session follows)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.plans import protocols
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.plans.tests.factories import sign_screening
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_prescriber_plans_a_course_and_moves_a_session(
    page: Page, clinic, make_staff, make_patient
):
    prescriber = make_staff("dr.vale", clinic, Role.PRESCRIBER)
    patient = make_patient(clinic, legal_given_name="Rosalind", legal_family_name="Achterberg")
    sign_screening(patient, prescriber, route="iv", setting="in_office")
    protocol = next(choice for choice in protocols.protocol_choices() if choice.route == "iv")
    sign_in(page, prescriber)

    page.goto(f"/patients/{patient.public_id}/")
    expect(page.get_by_role("heading", name="Treatment plan and schedule")).to_be_visible()
    page.get_by_role("link", name="New treatment plan").click()
    expect(page.get_by_role("heading", name="New treatment plan")).to_be_visible()

    # A slip first: an esketamine plan at home is refused naming the setting (REMS).
    page.get_by_label("Indication (ICD-10-CM code)").fill("F33.1")
    page.get_by_label("Route").select_option("intranasal_esketamine")
    page.get_by_label("Setting").select_option("at_home")
    page.get_by_label("Protocol").select_option(protocol.id)
    page.get_by_label("Psychotherapy modality").select_option("mindfulness")
    page.get_by_label("Individual or group").select_option("individual")
    start = timezone.localdate() + timedelta(days=5)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_role("button", name="Save draft plan").click()
    expect(page.get_by_role("alert").filter(has_text="Setting: Esketamine")).to_be_visible()
    assert not TreatmentPlan.objects.exists()

    page.get_by_label("Route").select_option("iv")
    page.get_by_label("Setting").select_option("in_office")
    page.get_by_role("button", name="Save draft plan").click()
    expect(page.get_by_role("heading", name="Plans and schedule")).to_be_visible()
    expect(page.locator("article.plan")).to_contain_text("Draft")

    # Signing asks for the password again: a wrong one is named at the field, nothing is signed.
    page.get_by_label("Your password").fill("not-the-password")
    page.get_by_role("button", name="Sign and activate (generates the schedule)").click()
    expect(
        page.get_by_role("alert").filter(has_text="Your password: The password is not")
    ).to_be_visible()
    expect(page.locator("article.plan")).to_contain_text("Draft")
    assert not Appointment.objects.exists()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign and activate (generates the schedule)").click()
    expect(page.locator("article.plan")).to_contain_text("Active")
    plan = TreatmentPlan.objects.get()
    dosing = page.locator('tr[data-kind="dosing"]')
    expect(dosing.first).to_be_visible()
    assert dosing.count() == Appointment.objects.filter(plan=plan, kind="dosing").count() > 0

    # Move the first dosing session one day later, with a reason.
    dose = Appointment.objects.filter(plan=plan, kind="dosing").order_by("starts_at")[0]
    row = page.locator(f"#appointment-{dose.pk}")
    row.locator("summary", has_text="Move").click()
    later = dose.starts_at.astimezone(ZoneInfo(clinic.timezone)) + timedelta(days=1)
    row.get_by_label("New time").fill(later.strftime("%Y-%m-%dT%H:%M"))
    row.get_by_label("Reason for the move").fill("Patient asked for the next day")
    row.get_by_role("button", name="Move").click()
    row = page.locator(f"#appointment-{dose.pk}")
    expect(row).to_have_attribute("data-status", "moved")
    expect(row).to_contain_text("Patient asked for the next day")
    dose.refresh_from_db()
    assert dose.starts_at == later and dose.status == "moved"

    # The clinic's schedule shows the moved session on its new day.
    page.get_by_role("link", name="Schedule", exact=True).click()
    expect(page.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    page.goto(f"/plans/schedule/?span=day&date={later.date().isoformat()}")
    expect(page.get_by_role("main")).to_contain_text("Achterberg")
