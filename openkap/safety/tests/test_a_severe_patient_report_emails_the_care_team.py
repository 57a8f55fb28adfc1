"""A side effect the patient grades severe in the portal reaches the care team by e-mail at once
(the severity grade's `alerts_care_team` in the session knowledge file); a mild one waits for the
clinic's list. The e-mail names neither the patient nor the side effect."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.clinical.session import severity_grades

pytestmark = pytest.mark.django_db
URL = reverse("safety:mine")


@pytest.fixture
def care_team(clinic, make_staff):
    people = {
        "prescriber": make_staff("dr-severe", clinic, Role.PRESCRIBER),
        "nurse": make_staff("rn-severe", clinic, Role.NURSE),
        "front_desk": make_staff("desk-severe", clinic, Role.FRONT_DESK),
    }
    for name, user in people.items():
        user.email = f"{name}@clinic.example.com"
        user.save(update_fields=["email"])
    return people


def _report(portal_client, patient, severity: str):
    clinic_now = timezone.localtime(timezone=ZoneInfo(patient.clinic.timezone))
    onset = (clinic_now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return portal_client.post(
        URL,
        {"term": "nausea", "severity": severity, "onset_at": onset, "description": "Since noon"},
    )


def test_only_the_severe_grade_alerts_the_care_team():
    alerting = {grade.id for grade in severity_grades() if grade.alerts_care_team}
    assert alerting == {"severe"}


def test_a_severe_report_emails_prescribers_and_nurses(
    portal_client, patient, care_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(portal_client, patient, "severe")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["nurse@clinic.example.com", "prescriber@clinic.example.com"]
    assert "severe" in message.subject
    assert reverse("safety:events") in message.body


def test_the_email_names_neither_the_patient_nor_the_side_effect(
    portal_client, patient, care_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _report(portal_client, patient, "severe")
    text = f"{mail.outbox[0].subject} {mail.outbox[0].body}"
    for private in (
        patient.legal_given_name,
        patient.legal_family_name,
        patient.mrn,
        "nausea",
        "noon",
    ):
        assert private.lower() not in text.lower()


def test_a_mild_report_sends_nothing(
    portal_client, patient, care_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(portal_client, patient, "mild")
    assert response.status_code == 302
    assert mail.outbox == []
