"""Grading and following an event: version-checked, the outcome and resolution consistent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.safety.models import AdverseEvent, EventSource
from openkap.safety.services import AdverseEventConflict, adverse_event_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(patient) -> AdverseEvent:
    return AdverseEvent.objects.create(
        patient=patient,
        source=EventSource.PATIENT,
        term="other",
        severity="mild",
        onset_at=timezone.now() - timedelta(days=2),
        reported_at=timezone.now() - timedelta(days=1),
        description="Burning when I pee",
    )


def test_a_nurse_codes_grades_and_resolves_it(reported, nurse):
    resolved = timezone.now() - timedelta(hours=1)
    event = adverse_event_update(
        actor=nurse,
        event=reported,
        expected_version=1,
        data={
            "term": "urinary_symptoms",
            "severity": "moderate",
            "outcome": "resolved",
            "resolved_at": resolved,
            "serious": False,
            "serious_reason": "",
        },
    )
    assert (event.term, event.severity, event.outcome) == (
        "urinary_symptoms",
        "moderate",
        "resolved",
    )
    assert event.resolved_at == resolved
    assert event.version == 2
    audit = AuditEvent.objects.get(category=Category.SAFETY, action="update")
    assert audit.detail["fields"] == ["outcome", "resolved_at", "severity", "term"]


def test_it_refuses_a_stale_version_and_saves_nothing(reported, nurse, prescriber):
    adverse_event_update(
        actor=prescriber,
        event=reported,
        expected_version=1,
        data={"term": "urinary_symptoms", "severity": "severe"},
    )

    with pytest.raises(AdverseEventConflict) as conflict:
        adverse_event_update(
            actor=nurse,
            event=reported,
            expected_version=1,
            data={"term": "urinary_symptoms", "severity": "mild"},
        )

    assert conflict.value.changed == ["severity"]
    reported.refresh_from_db()
    assert reported.severity == "severe"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "resolved"}, "resolved_at"),
        ({"outcome": "not_resolved", "resolved_at": timezone.now()}, "resolved_at"),
        ({"serious": True, "serious_reason": ""}, "serious_reason"),
        ({"term": "other"}, "term"),  # a clinician codes it to a term of the list
        (
            {"outcome": "resolved", "resolved_at": timezone.now() - timedelta(days=30)},
            "resolved_at",
        ),
    ],
)
def test_it_rejects_inconsistent_input_naming_the_field(reported, nurse, data, field):
    with pytest.raises(ValidationError) as error:
        adverse_event_update(
            actor=nurse, event=reported, expected_version=1, data={"term": "nausea"} | data
        )
    assert field in error.value.message_dict
    reported.refresh_from_db()
    assert (reported.version, reported.term) == (1, "other")


def test_a_serious_event_keeps_its_reason(reported, prescriber):
    event = adverse_event_update(
        actor=prescriber,
        event=reported,
        expected_version=1,
        data={"term": "urinary_symptoms", "serious": True, "serious_reason": "Hospitalised"},
    )
    assert event.serious and event.serious_reason == "Hospitalised"


def test_a_therapist_may_not_grade(reported, therapist):
    with pytest.raises(PermissionDenied):
        adverse_event_update(actor=therapist, event=reported, expected_version=1, data={})


def test_the_page_shows_a_conflict_without_saving(reported, nurse_client, prescriber):
    url = reverse(
        "safety:event", kwargs={"public_id": reported.patient.public_id, "event_id": reported.pk}
    )
    adverse_event_update(
        actor=prescriber, event=reported, expected_version=1, data={"term": "nausea"}
    )
    response = nurse_client.post(
        url, {"term": "headache", "severity": "mild", "outcome": "unknown", "version": 1}
    )
    assert response.status_code == 409
    assert "Someone else saved this event" in response.content.decode()
    reported.refresh_from_db()
    assert reported.term == "nausea"


def test_an_event_of_another_patient_is_not_found_under_this_one(
    reported, nurse_client, make_patient, clinic
):
    other = make_patient(clinic)
    url = reverse("safety:event", kwargs={"public_id": other.public_id, "event_id": reported.pk})
    assert nurse_client.get(url).status_code == 404
    assert (
        nurse_client.post(
            url, {"term": "nausea", "severity": "mild", "outcome": "unknown", "version": 1}
        ).status_code
        == 404
    )


def test_a_patients_report_awaits_review_until_a_clinician_saves_it(reported, nurse):
    assert reported.awaiting_review
    event = adverse_event_update(
        actor=nurse, event=reported, expected_version=1, data={"term": "urinary_symptoms"}
    )
    assert not event.awaiting_review
