"""Signing a plan assigns its questionnaires at once (the nightly command only keeps them current)."""

from __future__ import annotations

import pytest

from openkap.outcomes.models import QuestionnaireAssignment

pytestmark = pytest.mark.django_db


def test_signing_a_plan_assigns_its_questionnaires(eligible_patient, make_plan):
    assert not QuestionnaireAssignment.objects.exists()
    plan = make_plan(eligible_patient, activate=True)
    # PHQ-9 for every patient (knowledge/outcomes/schedule.toml).
    assert QuestionnaireAssignment.objects.filter(plan=plan, instrument_id="phq9").exists()
