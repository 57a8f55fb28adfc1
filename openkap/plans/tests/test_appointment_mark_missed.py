"""A no-show: the appointment is marked missed (a dosing one too) and stays on the plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openkap.audit.models import AuditEvent
from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def dose(eligible_patient, make_plan):
    plan = make_plan(eligible_patient, activate=True)
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    Appointment.objects.filter(pk=dose.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    dose.refresh_from_db()
    return dose


def test_it_marks_a_dosing_session_missed_with_a_default_reason(dose, nurse):
    services.appointment_mark_missed(actor=nurse, appointment=dose, expected_version=dose.version)
    dose.refresh_from_db()
    assert dose.status == "missed"
    assert dose.status_reason == "Did not attend"
    row = AuditEvent.objects.get(object_type="appointment", object_id=str(dose.pk))
    assert row.detail == {"fields": ["status"], "status": "missed"}


def test_it_refuses_to_mark_a_missed_appointment_again(dose, nurse):
    services.appointment_mark_missed(
        actor=nurse, appointment=dose, expected_version=dose.version, reason="No answer by phone"
    )
    dose.refresh_from_db()
    for outcome in (services.appointment_mark_missed, services.appointment_complete):
        with pytest.raises(ValidationError) as refused:
            outcome(actor=nurse, appointment=dose, expected_version=dose.version)
        assert "already missed" in " ".join(refused.value.messages)
    dose.refresh_from_db()
    assert dose.status_reason == "No answer by phone"


def test_the_page_marks_it_missed_and_keeps_it_on_the_plan(dose, nurse, client_for):
    client = client_for(nurse)
    patient = dose.patient
    page_url = reverse("plans:patient", kwargs={"public_id": patient.public_id})
    before = client.get(page_url).content.decode()
    # The dosing row offers "missed" but not "done" (its chart marks it done).
    row = before.split(f'id="appointment-{dose.pk}"')[1].split("</tr>")[0]
    assert 'value="missed"' in row and 'value="done"' not in row

    response = client.post(
        reverse("plans:outcome", kwargs={"public_id": patient.public_id}),
        {
            "appointment_id": dose.pk,
            f"o{dose.pk}-appointment": dose.pk,
            f"o{dose.pk}-version": dose.version,
            f"o{dose.pk}-outcome": "missed",
            f"o{dose.pk}-note": "Did not come, no call",
        },
    )
    assert response.status_code == 302
    after = client.get(page_url).content.decode()
    row = after.split(f'id="appointment-{dose.pk}"')[1].split("</tr>")[0]
    assert 'data-status="missed"' in after
    assert "Missed" in row and "Did not come, no call" in row
    assert 'value="missed"' not in row  # closed: no more outcome buttons


def test_the_page_names_why_done_is_refused_for_a_dosing_session(dose, nurse, client_for):
    response = client_for(nurse).post(
        reverse("plans:outcome", kwargs={"public_id": dose.patient.public_id}),
        {
            "appointment_id": dose.pk,
            f"o{dose.pk}-appointment": dose.pk,
            f"o{dose.pk}-version": dose.version,
            f"o{dose.pk}-outcome": "done",
        },
    )
    assert response.status_code == 400
    assert "marked done by its dosing session" in response.content.decode()
    dose.refresh_from_db()
    assert dose.status == "scheduled"
