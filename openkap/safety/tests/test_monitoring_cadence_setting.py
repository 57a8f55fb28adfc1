"""The clinic administrator sets the cadence; it changes when checks are due; bad values refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.safety.models import MonitoringCadence
from openkap.safety.selectors import monitoring_due_for_patient
from openkap.safety.services import (
    CadenceConflict,
    cadence_state,
    clinic_today,
    monitoring_cadence_set,
    monitoring_result_record,
)

pytestmark = pytest.mark.django_db


def test_a_shorter_liver_interval_makes_the_liver_tests_due_sooner(started_session, nurse, admin):
    patient = started_session.patient
    today = clinic_today(patient.clinic)
    monitoring_result_record(
        actor=nurse,
        patient=patient,
        check_id="liver",
        performed_on=today - timedelta(days=20),
        result="normal",
    )
    before = {row.check.id: row for row in monitoring_due_for_patient(patient, today=today)}
    assert before["liver"].status == "upcoming"

    monitoring_cadence_set(
        actor=admin, clinic=patient.clinic, intervals={"liver": 14}, expected_state=""
    )

    after = {row.check.id: row for row in monitoring_due_for_patient(patient, today=today)}
    assert after["liver"].due_on == today - timedelta(days=6)
    assert after["liver"].status == "due"
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, object_type="monitoring_cadence"
    ).exists()


def test_it_rejects_an_interval_outside_the_limits(clinic, admin):
    with pytest.raises(ValidationError) as error:
        monitoring_cadence_set(
            actor=admin, clinic=clinic, intervals={"bladder": 2}, expected_state=""
        )
    assert "bladder" in error.value.message_dict
    assert not MonitoringCadence.objects.exists()


def test_it_refuses_a_change_made_since_the_form_was_opened(clinic, admin):
    opened = cadence_state(clinic)
    monitoring_cadence_set(
        actor=admin, clinic=clinic, intervals={"cognition": 60}, expected_state=opened
    )
    with pytest.raises(CadenceConflict):
        monitoring_cadence_set(
            actor=admin, clinic=clinic, intervals={"cognition": 120}, expected_state=opened
        )
    assert MonitoringCadence.objects.get().interval_days == 60


def test_a_nurse_may_not_set_it(clinic, nurse):
    with pytest.raises(PermissionDenied):
        monitoring_cadence_set(
            actor=nurse, clinic=clinic, intervals={"liver": 60}, expected_state=""
        )


def test_the_page_shows_the_field_error_and_saves_nothing(clinic, admin, client_for):
    client = client_for(admin)
    response = client.post(
        reverse("safety:cadence"), {"bladder": 1000, "liver": 90, "cognition": 90, "state": ""}
    )
    assert response.status_code == 400
    assert (
        "Bladder and urinary symptom screen: every (days): Ensure this value is less than or equal to 365."
        in response.content.decode()
    )
    assert not MonitoringCadence.objects.exists()
    saved = client.post(
        reverse("safety:cadence"), {"bladder": 28, "liver": 90, "cognition": 90, "state": ""}
    )
    assert saved.status_code == 302
    assert MonitoringCadence.objects.get().interval_days == 28
