"""The patient answers an assigned questionnaire in the portal: scored by the clinical core and
stored as a QuestionnaireResponse; a risk answer raises an alert and shows crisis resources."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from openkap.outcomes.models import SuicideRiskAlert
from openkap.outcomes.tests.conftest import phq9_post
from openkap.screening.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_questionnaires_open_now(portal_client, assign):
    assignment = assign("gad7")
    page = portal_client.get(reverse("portal:questionnaires"))
    assert page.status_code == 200
    assert (
        reverse("portal:questionnaire", kwargs={"assignment_id": assignment.pk})
        in page.content.decode()
    )


def test_the_page_shows_the_instruments_own_item_texts(portal_client, assign):
    page = portal_client.get(reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk}))
    body = page.content.decode()
    assert "Little interest or pleasure in doing things" in body
    assert "More than half the days" in body


def test_answers_are_scored_and_stored_as_a_questionnaire_response(portal_client, assign, patient):
    assignment = assign()
    response = portal_client.post(
        reverse("portal:questionnaire", kwargs={"assignment_id": assignment.pk}), phq9_post(0)
    )
    assert response.status_code == 302
    stored = QuestionnaireResponse.objects.get(patient=patient)
    # Eight items answered "Several days" (1) and item 9 "Not at all": 8, mild (5-9).
    assert (stored.instrument_id, stored.total, stored.severity) == ("phq9", 8, "mild")
    assignment.refresh_from_db()
    assert assignment.response_id == stored.pk
    assert not SuicideRiskAlert.objects.exists()


def test_a_positive_item_9_raises_an_alert_and_shows_988_at_once(
    portal_client, assign, patient, nurse, prescriber
):
    assignment = assign()
    with pytest.MonkeyPatch.context():
        done = portal_client.post(
            reverse("portal:questionnaire", kwargs={"assignment_id": assignment.pk}),
            phq9_post(1),
            follow=True,
        )
    body = done.content.decode()
    assert 'id="crisis-now"' in body and 'href="tel:988"' in body
    alert = SuicideRiskAlert.objects.get()
    assert alert.patient == patient and alert.acknowledged_at is None


def test_the_alert_e_mail_goes_to_prescribers_and_nurses_without_the_patients_name_or_answers(
    portal_client, assign, patient, nurse, prescriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(
            reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk}), phq9_post(3)
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["nina@clinic.test", "paul@clinic.test"]
    text = f"{message.subject} {message.body}"
    for private in (
        patient.legal_given_name,
        patient.legal_family_name,
        patient.mrn,
        "PHQ",
        "dead",
    ):
        assert private not in text


def test_no_crisis_box_without_a_risk_answer(portal_client, assign):
    done = portal_client.post(
        reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk}),
        phq9_post(0),
        follow=True,
    )
    assert 'id="crisis-now"' not in done.content.decode()


def test_it_rejects_a_missing_answer_naming_the_item_and_saves_nothing(portal_client, assign):
    data = phq9_post(0)
    del data["item_4"]
    page = portal_client.post(
        reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk}), data
    )
    assert page.status_code == 400
    assert "4. Feeling tired or having little energy: Choose one answer." in page.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_it_rejects_an_answer_that_is_not_an_option(portal_client, assign):
    data = phq9_post(0)
    data["item_2"] = "7"
    page = portal_client.post(
        reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk}), data
    )
    assert page.status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_a_completed_questionnaire_is_not_saved_twice(portal_client, assign):
    url = reverse("portal:questionnaire", kwargs={"assignment_id": assign().pk})
    portal_client.post(url, phq9_post(0))
    again = portal_client.post(url, phq9_post(2))
    assert again.status_code == 302
    assert QuestionnaireResponse.objects.count() == 1


def test_it_rejects_another_patients_questionnaire_as_not_found(
    client, assign, clinic, make_patient
):
    from openkap.portal.tests.fixtures import create_portal_account, portal_sign_in

    assignment = assign()
    stranger = create_portal_account(make_patient(clinic, legal_given_name="Other"))
    other_client = portal_sign_in(client, stranger)
    url = reverse("portal:questionnaire", kwargs={"assignment_id": assignment.pk})
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, phq9_post(0)).status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_one_administration_answers_every_open_one_of_its_kind_but_not_later_ones(
    portal_client, assign
):
    missed = assign("phq9", due_in_hours=-30)
    today = assign("phq9", due_in_hours=2)
    next_week = assign("phq9", due_in_hours=24 * 6)
    other = assign("gad7", due_in_hours=2)
    page = portal_client.get(reverse("portal:questionnaires")).content.decode()
    # Listed once, by the earliest open one.
    assert page.count("PHQ-9:") == 1
    portal_client.post(
        reverse("portal:questionnaire", kwargs={"assignment_id": today.pk}), phq9_post(0)
    )
    for assignment in (missed, today, next_week, other):
        assignment.refresh_from_db()
    assert missed.response_id == today.response_id is not None
    assert next_week.response_id is None and other.response_id is None
