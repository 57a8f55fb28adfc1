"""The public pre-screen runs the eligibility engine, saves a lead for the chosen clinic, and tells
the person a next step in plain words (never a diagnosis)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category
from openkap.clinical.rulepack import load_rule_pack
from openkap.portal.models import Lead
from openkap.portal.tests.prescreen_answers import answers

pytestmark = pytest.mark.django_db


def _send(data) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("portal:prescreen"), data)
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(response["Location"])
    assert page.status_code == 200
    return client, page.content.decode()


def test_it_saves_a_lead_with_the_engines_decision_and_rule_pack(clinic):
    _send(answers(clinic))
    lead = Lead.objects.get()
    assert lead.clinic == clinic
    assert lead.status == "new"
    assert lead.decision == "eligible"
    assert lead.rule_pack == load_rule_pack().version
    assert lead.name == "Jamie Public"
    # 160 lb is 72.6 kg.
    assert lead.engine_input["weight_kg"] == pytest.approx(72.6, abs=0.05)


def test_a_clean_pre_screen_says_nothing_rules_out_a_first_appointment(clinic):
    _, page = _send(answers(clinic))
    assert "Nothing you told us rules out a first appointment" in page
    assert "the clinic will contact you" in page.lower() or clinic.name in page


def test_an_aneurysm_is_a_likely_exclusion_and_points_to_the_doctor(clinic):
    # Aneurysmal vascular disease is a contraindication in the esketamine label.
    _, page = _send(answers(clinic, conditions=["aneurysm"]))
    lead = Lead.objects.get()
    assert lead.decision == "ineligible"
    assert any(f["level"] == "absolute" for f in lead.findings)
    assert "Ketamine treatment may not be safe for you" in page
    assert "talk with your doctor" in page


def test_psychotic_depression_mentions_ect_as_the_seeds_do(clinic):
    _, page = _send(answers(clinic, conditions=["psychotic_depression"]))
    assert "electroconvulsive therapy (ECT)" in page


def test_a_high_blood_pressure_reading_needs_a_clinician_first(clinic):
    # Above 140/90 needs review (issue 3); the person is told a clinician must talk with them.
    _, page = _send(answers(clinic, systolic=152, diastolic=94))
    assert Lead.objects.get().decision == "needs_review"
    assert "a clinician needs to talk with you before booking" in page


def test_benzodiazepines_reach_the_engine_as_a_generic_name(clinic):
    _send(answers(clinic, medications=["benzodiazepine"]))
    lead = Lead.objects.get()
    assert lead.engine_input["medications"] == ["lorazepam"]
    assert any("lorazepam" in str(f["inputs"]) for f in lead.findings)


def test_the_next_step_page_never_shows_the_rules_or_codes(clinic):
    _, page = _send(answers(clinic, conditions=["aneurysm", "bipolar"]))
    lead = Lead.objects.get()
    for finding in lead.findings:
        assert finding["rule"] not in page
        assert finding["message"] not in page
    assert "I72.9" not in page
    assert "diagnos" not in page.lower().replace("not a diagnosis", "")


def test_saving_a_lead_is_audited(clinic):
    _send(answers(clinic))
    row = AuditEvent.objects.get(category=Category.LEADS, action=Action.CREATE)
    assert row.clinic == clinic
    assert row.object_id == str(Lead.objects.get().pk)
    assert "Jamie" not in str(row.detail)


def test_without_a_ride_home_it_says_to_plan_one(clinic):
    _, page = _send(answers(clinic, ride_home="no"))
    assert "Plan your ride home" in page
