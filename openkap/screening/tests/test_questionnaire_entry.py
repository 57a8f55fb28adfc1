"""Baseline questionnaires: rendered from the instrument's own data, scored by the clinical core; a
suicide-risk answer raises an alert on the intake, the screening page and the chart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.clinical.instruments import instrument
from openkap.patients.models import Patient
from openkap.screening.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def _url(patient: Patient, instrument_id: str) -> str:
    return reverse(
        "screening:questionnaire",
        kwargs={"public_id": patient.public_id, "instrument_id": instrument_id},
    )


def _answers(instrument_id: str, values: list[int]) -> dict[str, object]:
    return {
        f"item_{item.id}": value
        for item, value in zip(instrument(instrument_id).items, values, strict=False)
    }


def test_it_shows_every_item_text_of_the_instrument(client_for, nurse, patient):
    page = client_for(nurse).get(_url(patient, "phq9")).content.decode()
    phq9 = instrument("phq9")
    assert len(phq9.items) == 9
    for item in phq9.items:
        assert item.text in page


def test_it_scores_a_phq9_and_keeps_the_answers(client_for, nurse, patient):
    # Items 1-8 at 1, item 9 at 0: a total of 8, in the PHQ-9 band 5-9 (Kroenke 2001): mild.
    response = client_for(nurse).post(_url(patient, "phq9"), _answers("phq9", [1] * 8 + [0]))
    assert response.status_code == 302
    stored = QuestionnaireResponse.objects.get()
    assert (stored.instrument_id, stored.total, stored.severity) == ("phq9", 8, "mild")
    assert stored.answers == [1] * 8 + [0]
    assert stored.flags == []
    assert stored.recorded_by == nurse


def test_it_names_an_unanswered_item_and_saves_nothing(client_for, nurse, patient):
    answers = _answers("gad7", [1] * 7)
    del answers[f"item_{instrument('gad7').items[3].id}"]
    response = client_for(nurse).post(_url(patient, "gad7"), answers)
    assert response.status_code == 400
    assert "Item 4: Choose an answer." in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_it_refuses_an_answer_outside_the_options(client_for, nurse, patient):
    answers = _answers("gad7", [1] * 7)
    answers[f"item_{instrument('gad7').items[0].id}"] = "7"
    response = client_for(nurse).post(_url(patient, "gad7"), answers)
    assert response.status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_an_asq_with_all_no_leaves_out_the_acuity_question(client_for, nurse, patient):
    response = client_for(nurse).post(_url(patient, "asq"), _answers("asq", [0, 0, 0, 0]))
    assert response.status_code == 302
    assert QuestionnaireResponse.objects.get().answers == [0, 0, 0, 0]


def test_an_asq_with_a_yes_needs_the_acuity_question(client_for, nurse, patient):
    response = client_for(nurse).post(_url(patient, "asq"), _answers("asq", [1, 0, 0, 0]))
    assert response.status_code == 400
    acuity = instrument("asq").items[4]
    assert f'id="id_item_{acuity.id}_error"' in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_an_item_9_answer_raises_the_suicide_risk_alert_everywhere(client_for, prescriber, patient):
    client = client_for(prescriber)
    client.post(_url(patient, "phq9"), _answers("phq9", [2] * 8 + [1]))
    assert QuestionnaireResponse.objects.get().flags == ["suicide_risk"]
    for url in (
        reverse("screening:intake", kwargs={"public_id": patient.public_id}),
        reverse("screening:decision", kwargs={"public_id": patient.public_id}),
        reverse("patients:chart", kwargs={"public_id": patient.public_id}),
    ):
        page = client.get(url).content.decode()
        assert "Suicide risk flagged" in page, url


def test_it_answers_not_found_for_a_session_only_scale(client_for, nurse, patient):
    # The sedation scale belongs to dosing sessions, not to intake: no such intake page.
    url = _url(patient, "phq9").replace("/phq9/", "/moaas/")
    assert client_for(nurse).get(url).status_code == 404
