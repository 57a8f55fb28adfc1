"""A prescriber takes a patient through intake and screening: a problem found with the code search,
a medication, vitals (a slip first), the pregnancy status, a PHQ-9; the engine's findings with their
sources; a soft stop overridden with a reason; the signature; the chart's timeline; an addendum."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.clinical.rulepack import load_rule_pack
from openkap.patients.models import SupportPerson
from openkap.screening.models import Screening
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_patient_from_intake_to_a_signed_screening(
    page: Page, clinic, make_staff, make_patient
):
    prescriber = make_staff("dr.lind", clinic, Role.PRESCRIBER)
    patient = make_patient(clinic, legal_given_name="Odalys", legal_family_name="Brennan")
    SupportPerson.objects.create(
        patient=patient,
        name="Ines Brennan",
        relationship="Sister",
        phone="555 010 7788",
        is_escort=True,
    )
    sign_in(page, prescriber)

    page.goto(f"/patients/{patient.public_id}/")
    expect(page.get_by_role("heading", name="Intake and screening")).to_be_visible()
    page.get_by_role("link", name="Intake (enter and review)").click()
    expect(page.get_by_role("heading", name="Intake: Odalys Brennan")).to_be_visible()
    expect(page.locator("#support")).to_contain_text("Ines Brennan")

    # A problem, found by words as they are typed (htmx), added by choosing the result.
    page.get_by_text("Add a problem").click()
    page.get_by_label("Search ICD-10-CM").press_sequentially("recurrent severe without psych")
    result = page.get_by_role("button", name=re.compile(r"^F33\.2 Major depressive disorder"))
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("status")).to_contain_text("Problem added: F33.2")
    expect(page.locator("#problems tbody")).to_contain_text(
        "Major depressive disorder, recurrent severe without psychotic features"
    )

    # A medication, recognised by the rule pack as a benzodiazepine.
    page.get_by_text("Add a medication").click()
    page.get_by_label("Generic name").fill("Lorazepam")
    page.get_by_label("Dose").fill("0.5 mg")
    page.get_by_label("Frequency").fill("at bedtime")
    page.get_by_role("button", name="Add medication").click()
    expect(page.locator("#medications tbody tr")).to_contain_text("Benzodiazepines")

    # Vitals, with a slip of the keyboard first: nothing is saved, the field is named.
    page.get_by_text("Record measurements").click()
    page.get_by_label("Weight", exact=True).fill("165")
    page.get_by_label("Weight unit").select_option("lb")
    page.get_by_label("Systolic (mmHg)").fill("1500")
    page.get_by_label("Diastolic (mmHg)").fill("94")
    page.get_by_label("Heart rate (/min)").fill("78")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_role("button", name="Save measurements").click()
    expect(page.locator("#id_systolic_error")).to_contain_text(
        "Systolic (mmHg): 1500 mmHg is not plausible"
    )
    page.get_by_label("Systolic (mmHg)").fill("150")
    page.get_by_role("button", name="Save measurements").click()
    # 165 lb is 74.84 kg.
    expect(page.locator("#measurements")).to_contain_text("74.84 kg")
    expect(page.locator("#measurements")).to_contain_text("150/94 mmHg")

    page.get_by_text("Record pregnancy status").click()
    page.get_by_label("Pregnancy status").select_option(label="Not pregnant")
    page.get_by_role("button", name="Save pregnancy status").click()
    expect(page.locator("#pregnancy")).to_contain_text("Not pregnant")

    # A baseline PHQ-9, its items read from the instrument's data.
    page.get_by_role("button", name="Patient Health Questionnaire-9").click()
    for number, answer in enumerate(
        ["Several days"] * 4 + ["More than half the days"] * 4 + ["Not at all"], start=1
    ):
        group = page.locator("fieldset").nth(number - 1)
        group.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save and score").click()
    # 4 x 1 + 4 x 2 + 0 = 12: moderate on the PHQ-9 bands (10-14).
    expect(page.get_by_role("status").first).to_contain_text(
        "Patient Health Questionnaire-9 saved: 12 (moderate)."
    )

    # The engine evaluates the intake for IV ketamine in the office.
    page.get_by_role("button", name=re.compile("^Screening decision")).click()
    page.get_by_label("Intended route").select_option("iv")
    page.get_by_label("Intended setting").select_option("in_office")
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.locator(".decision-line").first).to_contain_text("Engine: Needs prescriber review")
    findings = page.locator("ol.findings > li")
    soft_stop = findings.filter(has_text="Blood pressure above 140/90")
    expect(soft_stop).to_contain_text("Soft stop")
    expect(soft_stop).to_contain_text("SPRAVATO")
    expect(soft_stop).to_contain_text("Blood pressure: 150/94 mmHg")
    benzodiazepine = findings.filter(has_text="Benzodiazepine")
    expect(benzodiazepine).to_contain_text("Caution")
    expect(benzodiazepine).to_contain_text("Medications: lorazepam")
    expect(page.locator(".decision-line").first).to_contain_text(
        f"Rule pack {load_rule_pack().version}"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "screening-decision.png", full_page=True)

    # Overriding the soft stop needs a reason; then the password signs it.
    page.get_by_role("radio", name="Eligible", exact=True).check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign screening").click()
    expect(page.locator("#id_sign_reason_error")).to_have_text(
        "Reason: Give the reason for deciding differently from the engine."
    )
    assert Screening.objects.get().status == "draft"
    page.get_by_role("radio", name="Eligible", exact=True).check()
    page.get_by_label("Reason", exact=True).fill(
        "Repeat BP 132/84 after rest; lorazepam held the night before each infusion."
    )
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign screening").click()
    expect(page.get_by_role("status")).to_contain_text("Screening signed.")
    signed = page.locator("article.screening-signed")
    expect(signed).to_contain_text("Signed screening in force")
    expect(signed).to_contain_text("needs prescriber review → eligible")
    expect(signed).to_contain_text("Repeat BP 132/84 after rest")
    screening = Screening.objects.get()
    assert (screening.status, screening.final_decision, screening.signed_by) == (
        "signed",
        "eligible",
        prescriber,
    )

    # The chart's timeline shows the signature.
    page.get_by_role("link", name="Odalys Brennan").click()
    expect(page.locator("ol.timeline")).to_contain_text("Screening signed: Eligible")

    # A correction after signing is an addendum, signed with the password again.
    page.get_by_role("link", name="Screening decision").click()
    page.get_by_text("Add an addendum").click()
    page.get_by_label("Addendum text").fill("Escort is the sister, Ines, confirmed by phone.")
    page.get_by_label("Reason for the addendum").fill("Escort confirmed after signing")
    page.locator("article.screening-signed").get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign addendum").click()
    expect(page.get_by_role("status")).to_contain_text("Addendum signed and added.")
    expect(page.locator("ol.addenda")).to_contain_text(
        "Escort is the sister, Ines, confirmed by phone."
    )
    expect(page.locator("ol.addenda")).to_contain_text("Reason: Escort confirmed after signing")
    page.screenshot(path=ARTIFACTS / "screening-signed.png", full_page=True)
