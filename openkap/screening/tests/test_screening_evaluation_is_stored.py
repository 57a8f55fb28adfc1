"""Evaluating a screening stores what the engine was given, what it answered and the rule-pack
version, so the decision can be reproduced and explained later."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from openkap.screening import services
from openkap.screening.engine import IntakeIncomplete
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db

PACK_TOML = (
    Path(__file__).resolve().parents[2] / "clinical" / "knowledge" / "rulepack" / "pack.toml"
)


def _pack_version() -> str:
    return str(tomllib.loads(PACK_TOML.read_text())["version"])


def test_it_stores_the_decision_findings_input_and_rule_pack_version(
    ready_patient, prescriber, evaluate
):
    services.problem_add(actor=prescriber, patient=ready_patient, code="I71.4")

    draft = evaluate(ready_patient, route="iv", setting="in_office")

    stored = Screening.objects.get(pk=draft.pk)
    assert stored.status == "draft"
    assert stored.rule_pack == _pack_version()
    # An abdominal aortic aneurysm is a label contraindication (SPRAVATO PI §4): a hard stop.
    assert stored.engine_decision == "ineligible"
    aneurysm = next(f for f in stored.findings if f["rule"] == "aneurysmal-vascular-disease")
    assert aneurysm["level"] == "absolute"
    assert "SPRAVATO" in aneurysm["source"]
    assert aneurysm["strength"] == "label"
    assert "I71.4" in str(aneurysm["inputs"])
    born = ready_patient.date_of_birth
    today = date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert stored.engine_input == {
        "age_years": age,
        "sex": "female",
        "weight_kg": 72.5,
        "pregnant": False,
        "breastfeeding": False,
        "conditions": ["F33.1", "I71.4"],
        "medications": [],
        "allergies": [],
        "blood_pressure": {"systolic": 122, "diastolic": 78},
        "heart_rate": 70,
        "route": "iv",
        "setting": "in_office",
    }
    assert stored.engine_output["rule_pack"] == stored.rule_pack
    assert stored.engine_output["decision"] == "ineligible"
    assert stored.evaluated_by == prescriber


def test_it_reports_an_unknown_medication_as_a_finding(ready_patient, prescriber, evaluate):
    services.medication_add(actor=prescriber, patient=ready_patient, name="Notarealdrugzolam")
    draft = evaluate(ready_patient)
    unknown = [f for f in draft.findings if f["rule"] == "unknown-medication"]
    assert len(unknown) == 1
    assert unknown[0]["level"] == "info"


def test_it_includes_resolved_problems(ready_patient, prescriber, evaluate):
    # A past intracerebral haemorrhage is itself the contraindication (SPRAVATO PI §4).
    services.problem_add(actor=prescriber, patient=ready_patient, code="I61.9", status="resolved")
    draft = evaluate(ready_patient)
    assert "I61.9" in draft.engine_input["conditions"]
    assert draft.engine_decision == "ineligible"


def test_it_refuses_to_evaluate_without_a_weight(patient, prescriber, evaluate):
    with pytest.raises(IntakeIncomplete, match=r"Weight: record the patient.s weight first\."):
        evaluate(patient)
    assert not Screening.objects.exists()


def test_it_refuses_to_evaluate_without_the_pregnancy_status_of_a_woman(
    patient, prescriber, evaluate
):
    services.measurement_add(actor=prescriber, patient=patient, weight_kg=Decimal("60"))
    with pytest.raises(IntakeIncomplete, match="Pregnancy status: record whether the patient is"):
        evaluate(patient)
    assert not Screening.objects.exists()
