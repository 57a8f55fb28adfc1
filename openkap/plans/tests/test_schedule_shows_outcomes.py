"""The clinic's schedule shows a missed appointment as missed and links an appointment whose time
has passed, still open, to where its outcome is recorded."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


def test_it_marks_missed_and_links_past_open_appointments(
    eligible_patient, make_plan, nurse, client_for
):
    plan = make_plan(eligible_patient, activate=True)
    now = timezone.now()
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    preparation = Appointment.objects.get(plan=plan, kind="preparation")
    Appointment.objects.filter(pk=dose.pk).update(starts_at=now - timedelta(hours=2))
    Appointment.objects.filter(pk=preparation.pk).update(starts_at=now - timedelta(hours=5))
    dose.refresh_from_db()
    services.appointment_mark_missed(actor=nurse, appointment=dose, expected_version=dose.version)

    client = client_for(nurse)
    zone = ZoneInfo(eligible_patient.clinic.timezone)

    def day_of(appointment: Appointment) -> str:
        appointment.refresh_from_db()
        day = timezone.localtime(appointment.starts_at, zone).date().isoformat()
        response = client.get(reverse("plans:schedule"), {"span": "day", "date": day})
        return str(response.content.decode())

    body = day_of(dose)
    assert '<span class="badge badge-alert">Missed</span>' in body
    assert f"#appointment-{dose.pk}" not in body
    link = reverse("plans:patient", kwargs={"public_id": eligible_patient.public_id})
    assert f'{link}#appointment-{preparation.pk}">Record outcome' in day_of(preparation)
