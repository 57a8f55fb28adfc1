"""A clinician enters a questionnaire (or hands the clinic tablet to the patient)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.outcomes.models import SuicideRiskAlert
from openkap.outcomes.tests.conftest import phq9_post
from openkap.screening.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def test_a_nurse_enters_a_gad7_and_it_is_scored(client_for, nurse, patient):
    data = {"instrument": "gad7", **{f"item_{n}": "2" for n in range(1, 8)}}
    response = client_for(nurse).post(
        reverse("outcomes:record", kwargs={"public_id": patient.public_id}), data
    )
    assert response.status_code == 302
    stored = QuestionnaireResponse.objects.get(patient=patient)
    # 7 items x 2 = 14: moderate (10-14).
    assert (stored.total, stored.severity, stored.recorded_by) == (14, "moderate", nurse)
    assert AuditEvent.objects.filter(
        category=Category.OUTCOMES, object_type="questionnaire_response"
    ).exists()


def test_a_risk_answer_entered_by_a_clinician_raises_the_alert_too(client_for, nurse, patient):
    client_for(nurse).post(
        reverse("outcomes:record", kwargs={"public_id": patient.public_id}),
        {"instrument": "phq9", **phq9_post(2)},
    )
    assert SuicideRiskAlert.objects.filter(patient=patient).count() == 1


def test_it_rejects_an_incomplete_entry_and_saves_nothing(client_for, nurse, patient):
    data = {"instrument": "phq9", **phq9_post(0)}
    del data["item_9"]
    response = client_for(nurse).post(
        reverse("outcomes:record", kwargs={"public_id": patient.public_id}), data
    )
    assert response.status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_the_asq_may_leave_its_acuity_question_unanswered_when_the_screen_is_negative(
    client_for, nurse, patient
):
    data = {"instrument": "asq", **{f"item_{n}": "0" for n in range(1, 5)}}
    response = client_for(nurse).post(
        reverse("outcomes:record", kwargs={"public_id": patient.public_id}), data
    )
    assert response.status_code == 302
    assert QuestionnaireResponse.objects.get().answers == [0, 0, 0, 0]
