"""A clinician records an adverse event reported to them later; bad input names the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.safety.models import AdverseEvent, EventSource
from openkap.safety.services import adverse_event_record

pytestmark = pytest.mark.django_db


def test_it_records_an_event_linked_to_a_session(started_session, nurse):
    onset = started_session.dose_started_at + timedelta(minutes=1)
    event = adverse_event_record(
        actor=nurse,
        patient=started_session.patient,
        term="headache",
        severity="mild",
        onset_at=onset,
        session=started_session,
        description="Phoned the next morning",
    )
    assert event.source == EventSource.CLINICIAN
    assert event.reported_by == nurse
    assert event.session == started_session
    assert AuditEvent.objects.filter(category=Category.SAFETY, object_id=str(event.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term": "hiccups"}, "term"),
        ({"term": "other"}, "term"),  # only a patient may report "something else"
        ({"severity": "catastrophic"}, "severity"),
        ({"onset_at": timezone.now() + timedelta(days=1)}, "onset_at"),
        ({"serious": True, "serious_reason": " "}, "serious_reason"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(patient, nurse, changes, field):
    values = {"term": "nausea", "severity": "mild", "onset_at": timezone.now()} | changes
    with pytest.raises(ValidationError) as error:
        adverse_event_record(actor=nurse, patient=patient, **values)
    assert field in error.value.message_dict
    assert not AdverseEvent.objects.exists()


def test_it_rejects_a_session_of_another_patient(started_session, nurse, make_patient, clinic):
    other = make_patient(clinic)
    with pytest.raises(ValidationError) as error:
        adverse_event_record(
            actor=nurse,
            patient=other,
            term="nausea",
            severity="mild",
            onset_at=timezone.now(),
            session=started_session,
        )
    assert "session" in error.value.message_dict


def test_it_rejects_a_therapist(patient, therapist):
    with pytest.raises(PermissionDenied):
        adverse_event_record(
            actor=therapist,
            patient=patient,
            term="nausea",
            severity="mild",
            onset_at=timezone.now(),
        )


def test_the_record_page_saves_and_shows_errors_next_to_fields(patient, nurse_client):
    url = reverse("safety:record", kwargs={"public_id": patient.public_id})
    bad = nurse_client.post(url, {"term": "", "severity": "mild", "onset_at": "2026-01-01T10:00"})
    assert bad.status_code == 400
    assert "Side effect: This field is required." in bad.content.decode()
    assert not AdverseEvent.objects.exists()

    good = nurse_client.post(
        url, {"term": "dizziness", "severity": "moderate", "onset_at": "2026-01-01T10:00"}
    )
    assert good.status_code == 302
    assert AdverseEvent.objects.get().term == "dizziness"


def test_the_session_choices_show_the_clinics_local_time(started_session, nurse_client, clinic):
    from zoneinfo import ZoneInfo

    clinic.timezone = "Pacific/Auckland"  # far from UTC, so a UTC label would differ
    clinic.save()
    local = started_session.dose_started_at.astimezone(ZoneInfo("Pacific/Auckland"))
    url = reverse("safety:record", kwargs={"public_id": started_session.patient.public_id})
    body = nurse_client.get(url).content.decode()
    assert f"{local:%Y-%m-%d %H:%M} · {started_session.appointment.label}" in body
