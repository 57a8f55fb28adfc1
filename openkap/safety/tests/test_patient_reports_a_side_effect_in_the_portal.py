"""The patient reports a side effect in the portal: told the clinic may not watch in real time,
shown 988 and 911; the report reaches the care team ungraded by them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.safety.models import AdverseEvent, EventSource
from openkap.safety.services import adverse_event_report_by_patient

from .conftest import portal_sign_in

pytestmark = pytest.mark.django_db
URL = reverse("safety:mine")


def _clinic_now(patient) -> datetime:
    return timezone.localtime(timezone=ZoneInfo(patient.clinic.timezone))


def _onset(patient) -> str:
    return (_clinic_now(patient) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def test_the_page_says_it_is_not_watched_and_shows_crisis_resources(portal_client):
    body = portal_client.get(URL).content.decode()
    assert "may not see this right away" in body
    assert "not watched in real time" in body
    assert 'href="tel:988"' in body
    assert 'href="tel:911"' in body


def test_a_report_is_saved_as_the_patients_with_no_staff_reporter(portal_client, patient):
    response = portal_client.post(
        URL,
        {
            "term": "nausea",
            "severity": "moderate",
            "onset_at": _onset(patient),
            "description": "All day",
        },
    )
    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert event.patient == patient
    assert event.source == EventSource.PATIENT
    assert event.reported_by is None
    assert event.description == "All day"
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, action="create", object_id=str(event.pk)
    ).exists()
    listed = portal_client.get(URL).content.decode()
    assert "Nausea" in listed and "All day" in listed


def test_something_else_needs_a_description(portal_client, patient):
    response = portal_client.post(
        URL, {"term": "other", "severity": "mild", "onset_at": _onset(patient)}
    )
    assert response.status_code == 400
    assert "Tell us more: Describe what you noticed." in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_it_rejects_an_onset_in_the_future(portal_client, patient):
    future = (_clinic_now(patient) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = portal_client.post(URL, {"term": "nausea", "severity": "mild", "onset_at": future})
    assert response.status_code == 400
    assert "Cannot be in the future." in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_a_patient_may_link_only_their_own_session(
    started_session, clinic, make_patient, make_portal_account
):
    other = make_patient(clinic)
    client = portal_sign_in(Client(), make_portal_account(other, "other.patient"))
    response = client.post(
        URL,
        {
            "term": "nausea",
            "severity": "mild",
            "onset_at": _onset(other),
            "session": started_session.pk,
        },
    )
    assert response.status_code == 400
    assert not AdverseEvent.objects.exists()


def test_the_service_rejects_a_report_for_another_patient(portal_user, clinic, make_patient):
    other = make_patient(clinic)
    with pytest.raises(PermissionDenied):
        adverse_event_report_by_patient(
            user=portal_user,
            patient=other,
            term="nausea",
            severity="mild",
            onset_at=timezone.now(),
            description="",
        )


def test_the_list_shows_only_the_patients_own_reports(
    portal_client, patient, clinic, make_patient, nurse
):
    other = make_patient(clinic)
    AdverseEvent.objects.create(
        patient=other,
        source=EventSource.PATIENT,
        term="headache",
        severity="mild",
        onset_at=timezone.now(),
        reported_at=timezone.now(),
        description="not-mine-marker",
    )
    assert "not-mine-marker" not in portal_client.get(URL).content.decode()
