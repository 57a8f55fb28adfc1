"""A screening is evaluated with the rule pack in force at the patient's clinic: its local rules
(stricter only) decide, and the stored rule-pack version says so."""

from __future__ import annotations

import pytest

from openkap.accounts.models import Role
from openkap.knowledge.services import clinic_rules_publish
from openkap.screening import services

pytestmark = pytest.mark.django_db

BIPOLAR_NEEDS_REVIEW = (
    '[[raise]]\nrule = "bipolar-disorder"\nlevel = "relative"\nreason = "Psychiatrist first"\n'
)


def test_a_clinics_stricter_rule_changes_its_screenings(
    ready_patient, prescriber, clinic, make_staff, evaluate
):
    services.problem_add(actor=prescriber, patient=ready_patient, code="F31.81")
    before = evaluate(ready_patient)
    admin = make_staff("boss", clinic, Role.CLINIC_ADMIN)
    clinic_rules_publish(actor=admin, clinic=clinic, text=BIPOLAR_NEEDS_REVIEW, reason="Policy 12")
    after = evaluate(ready_patient)
    assert before.engine_decision == "eligible"
    assert after.engine_decision == "needs_review"
    assert "+local." in after.rule_pack and "+local." not in before.rule_pack
    levels = {finding["rule"]: finding["level"] for finding in after.findings}
    assert levels["bipolar-disorder"] == "relative"
