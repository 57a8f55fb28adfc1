"""The patient's safety page and the chart timeline: for those with SAFETY_VIEW only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent, Category
from openkap.patients.timeline import patient_timeline
from openkap.safety.models import AdverseEvent, EventSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(patient) -> AdverseEvent:
    return AdverseEvent.objects.create(
        patient=patient,
        source=EventSource.CLINICIAN,
        term="blurred_vision",
        severity="moderate",
        serious=True,
        serious_reason="Emergency visit",
        onset_at=timezone.now(),
        reported_at=timezone.now(),
    )


def test_the_timeline_shows_the_event_to_a_therapist(event, therapist):
    titles = [entry.title for entry in patient_timeline(event.patient, user=therapist)]
    assert "Adverse event: Blurred vision" in titles


def test_the_timeline_hides_it_from_the_front_desk(event, clinic, make_staff):
    front = make_staff("front.safety", clinic, Role.FRONT_DESK)
    kinds = {entry.kind for entry in patient_timeline(event.patient, user=front)}
    assert "adverse_event" not in kinds


def test_the_page_lists_the_event_and_is_audited(event, client_for, therapist):
    response = client_for(therapist).get(
        reverse("safety:patient", kwargs={"public_id": event.patient.public_id})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Blurred vision" in body and "Emergency visit" in body
    assert "Grade / update" not in body  # the therapist reads, does not grade
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, action="read", patient=event.patient
    ).exists()


def test_the_chart_links_to_the_safety_page(event, client_for, nurse):
    chart = client_for(nurse).get(
        reverse("patients:chart", kwargs={"public_id": event.patient.public_id})
    )
    assert reverse("safety:patient", kwargs={"public_id": event.patient.public_id}) in (
        chart.content.decode()
    )


@pytest.mark.parametrize("name", ["safety:record", "safety:result", "safety:event"])
def test_every_page_that_shows_the_patient_is_audited(event, client_for, nurse, name):
    kwargs = {"public_id": event.patient.public_id}
    if name == "safety:event":
        kwargs["event_id"] = event.pk
    client_for(nurse).get(reverse(name, kwargs=kwargs))
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, action="read", patient=event.patient, user=nurse
    ).exists()
