"""The clinic's adverse-event list: filtered, the clinic's own only, audited."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.patients.models import Patient
from openkap.safety.models import AdverseEvent, EventSource

pytestmark = pytest.mark.django_db
URL = reverse("safety:events")


def _event(
    patient: Patient,
    term: str,
    severity: str = "mild",
    *,
    day: int = 5,
    serious: bool = False,
    source: str = EventSource.CLINICIAN,
) -> AdverseEvent:
    zone = ZoneInfo(patient.clinic.timezone)
    when = datetime(2026, 3, day, 10, tzinfo=zone)
    return AdverseEvent.objects.create(
        patient=patient,
        source=source,
        term=term,
        severity=severity,
        serious=serious,
        serious_reason="Hospitalised" if serious else "",
        onset_at=when,
        reported_at=when,
        description=f"marker-{term}-{day}",
    )


@pytest.fixture
def events(patient, other_clinic, make_patient):
    foreign = make_patient(other_clinic)
    return [
        _event(patient, "nausea", day=2),
        _event(patient, "headache", "severe", day=10, serious=True),
        _event(patient, "nausea", "moderate", day=20, source=EventSource.PATIENT),
        _event(foreign, "nausea", day=3),
    ]


def _ids(response) -> list[int]:
    return sorted(event.pk for event in response.context["events"])


def test_it_lists_only_the_clinics_events(events, nurse_client):
    response = nurse_client.get(URL)
    assert response.status_code == 200
    assert _ids(response) == sorted(e.pk for e in events[:3])
    audit = AuditEvent.objects.filter(category=Category.SAFETY, object_type="adverse_event_list")
    assert audit.count() == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"term": "nausea"}, [0, 2]),
        ({"severity": "severe"}, [1]),
        ({"serious": "on"}, [1]),
        ({"source": "patient"}, [2]),
        ({"start": "2026-03-05", "end": "2026-03-15"}, [1]),
        ({"end": "2026-03-02"}, [0]),
        ({"awaiting_review": "on"}, [2]),  # the patient's report, not yet saved by a clinician
    ],
)
def test_it_filters(events, nurse_client, query, expected):
    response = nurse_client.get(URL, query)
    assert _ids(response) == sorted(events[i].pk for i in expected)


def test_it_rejects_an_end_before_the_start(events, nurse_client):
    response = nurse_client.get(URL, {"start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "Onset to: Must be on or after the start." in response.content.decode()
