"""The dosing pages: today's list, the gate form and result, the override; every read audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent, Category
from openkap.dosing.models import DosingSession, GateOverride
from openkap.dosing.tests.conftest import PASSWORD
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db

FORM = {
    "version": "0",
    "fasting": "yes",
    "no_alcohol": "yes",
    "escort_name": "Sam Driver",
    "systolic": "120",
    "diastolic": "75",
    "heart_rate": "70",
    "spo2": "98",
    "suicide_check": "negative",
    "eye_mask": "on",
    "agreed_signal": "Raise a hand",
}


def _gate_url(appointment: Appointment) -> str:
    return reverse("dosing:gate", kwargs={"public_id": appointment.patient.public_id})


def test_todays_list_links_to_the_gate(
    appointment: Appointment, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(nurse).get(reverse("dosing:today"))
    assert response.status_code == 200
    assert f"?appointment={appointment.pk}" in response.content.decode()
    assert AuditEvent.objects.filter(category=Category.DOSING, action=Action.READ).exists()


def test_the_gate_form_is_audited_as_a_read(
    appointment: Appointment, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(nurse).get(_gate_url(appointment), {"appointment": appointment.pk})
    assert response.status_code == 200
    assert "Record the gate" in response.content.decode()
    read = AuditEvent.objects.get(category=Category.DOSING, action=Action.READ)
    assert read.patient_id == appointment.patient_id


def test_a_passing_gate_shows_ready_to_dose_with_sources(
    appointment: Appointment,
    consented: object,
    nurse: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(nurse)
    response = client.post(_gate_url(appointment), {**FORM, "appointment": appointment.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ready to dose." in page
    assert 'data-item="vitals" data-status="pass"' in page
    assert "SPRAVATO" in page  # the transport item's source


def test_it_names_the_field_of_a_bad_reading(
    appointment: Appointment, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(nurse).post(
        _gate_url(appointment), {**FORM, "appointment": appointment.pk, "spo2": "140"}
    )
    assert response.status_code == 400
    assert "SpO2 (%):" in response.content.decode()
    assert not DosingSession.objects.exists()


def test_a_hard_stop_offers_no_override(
    appointment: Appointment,
    consented: object,
    nurse: User,
    prescriber: User,
    client_for: Callable[[User], Client],
) -> None:
    client_for(nurse).post(
        _gate_url(appointment), {**FORM, "appointment": appointment.pk, "escort_name": ""}
    )
    page = client_for(prescriber).get(_gate_url(appointment), {"appointment": appointment.pk})
    body = page.content.decode()
    assert "Blocked: do not dose." in body
    assert "Prescriber override" not in body


def test_a_prescriber_overrides_a_soft_stop_with_reason_and_password(
    appointment: Appointment,
    consented: object,
    nurse: User,
    prescriber: User,
    client_for: Callable[[User], Client],
) -> None:
    client_for(nurse).post(
        _gate_url(appointment), {**FORM, "appointment": appointment.pk, "fasting": "no"}
    )
    client = client_for(prescriber)
    url = reverse("dosing:override", kwargs={"public_id": appointment.patient.public_id})
    wrong = client.post(
        url,
        {
            "appointment": appointment.pk,
            "version": 1,
            "reason": "Light breakfast only",
            "password": "nope",
        },
    )
    assert wrong.status_code == 400
    assert "Your password (to confirm):" in wrong.content.decode()
    assert not GateOverride.objects.exists()
    right = client.post(
        url,
        {
            "appointment": appointment.pk,
            "version": 1,
            "reason": "Light breakfast only",
            "password": PASSWORD,
        },
    )
    assert right.status_code == 302
    assert DosingSession.objects.get().status == "ready"
    assert GateOverride.objects.get().items == ["fasting"]


def test_recording_again_starts_from_the_last_answers(
    appointment: Appointment,
    consented: object,
    nurse: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(nurse)
    client.post(_gate_url(appointment), {**FORM, "appointment": appointment.pk, "spo2": ""})
    page = client.get(_gate_url(appointment), {"appointment": appointment.pk}).content.decode()
    assert "Record the gate again" in page
    assert 'value="Sam Driver"' in page
    assert 'name="version" value="1"' in page
