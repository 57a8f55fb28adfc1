"""The care team's pages: the patient's programme, dispensing through the page, the alerts list
acknowledged with what was done."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from openkap.athome import services
from openkap.athome.models import AtHomeAlert, Dispensing

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def test_a_nurse_dispenses_from_the_patient_page(client_for, nurse, patient, plan, troches):
    client = client_for(nurse)
    response = client.post(
        reverse("athome:dispense", args=[patient.public_id]),
        {
            "lot": troches.pk,
            "units": 4,
            "units_per_session": 1,
            "method": "handed",
            "dispensed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Dispensing.objects.get().units == 4
    page = client.get(reverse("athome:patient", args=[patient.public_id])).content.decode()
    assert "Handed over at the clinic" in page


def test_the_nurse_sees_and_acknowledges_a_blocked_check_in(
    client_for, nurse, patient, portal_user, session
):
    services.checkin_submit(
        user=portal_user,
        patient=patient,
        appointment=session,
        answers=good_answers(patient, monitor_name=""),
    )
    client = client_for(nurse)
    page = client.get(reverse("athome:alerts")).content.decode()
    assert "Check-in blocked" in page and patient.mrn in page
    alert = AtHomeAlert.objects.get()
    empty = client.post(reverse("athome:acknowledge", args=[alert.pk]), {"action_taken": ""})
    assert empty.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    client.post(reverse("athome:acknowledge", args=[alert.pk]), {"action_taken": "Called him."})
    alert.refresh_from_db()
    assert alert.action_taken == "Called him." and alert.acknowledged_by == nurse
