"""Long-term checks for a patient on repeated dosing: due from the first dose, reset by a result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.dosing.models import DosingSession
from openkap.safety.models import MonitoringResult
from openkap.safety.selectors import monitoring_due_for_clinic, monitoring_due_for_patient
from openkap.safety.services import clinic_today, monitoring_result_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def dosed_40_days_ago(started_session) -> DosingSession:
    DosingSession.objects.filter(pk=started_session.pk).update(
        dose_started_at=started_session.dose_started_at - timedelta(days=40)
    )
    started_session.refresh_from_db()
    session: DosingSession = started_session
    return session


def _status(patient) -> dict[str, str]:
    due = monitoring_due_for_patient(patient, today=clinic_today(patient.clinic))
    return {row.check.id: row.status for row in due}


def test_nothing_is_due_for_a_patient_never_dosed(patient):
    assert _status(patient) == {}


def test_every_baseline_is_overdue_forty_days_after_the_first_dose(dosed_40_days_ago):
    assert _status(dosed_40_days_ago.patient) == {
        "bladder": "overdue",
        "liver": "overdue",
        "cognition": "overdue",
    }


def test_a_result_makes_the_check_upcoming_and_is_audited(dosed_40_days_ago, nurse):
    patient = dosed_40_days_ago.patient
    row = monitoring_result_record(
        actor=nurse,
        patient=patient,
        check_id="liver",
        performed_on=clinic_today(patient.clinic),
        result="normal",
        value="ALT 30 U/L",
    )
    assert _status(patient)["liver"] == "upcoming"
    assert _status(patient)["bladder"] == "overdue"
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, object_type="monitoring_result", object_id=str(row.pk)
    ).exists()


def test_a_check_not_done_does_not_reset_the_clock(dosed_40_days_ago, nurse):
    patient = dosed_40_days_ago.patient
    monitoring_result_record(
        actor=nurse,
        patient=patient,
        check_id="cognition",
        performed_on=clinic_today(patient.clinic),
        result="not_done",
        note="Declined today",
    )
    assert _status(patient)["cognition"] == "overdue"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"check_id": "kidney"}, "check_id"),
        ({"performed_on_offset": 1}, "performed_on"),
        ({"result": "abnormal"}, "note"),  # abnormal: say what was abnormal
        ({"result": "maybe"}, "result"),
    ],
)
def test_it_rejects_bad_results_naming_the_field(patient, nurse, changes, field):
    offset = changes.pop("performed_on_offset", 0)
    values = {
        "check_id": "bladder",
        "performed_on": clinic_today(patient.clinic) + timedelta(days=offset),
        "result": "normal",
    } | changes
    with pytest.raises(ValidationError) as error:
        monitoring_result_record(actor=nurse, patient=patient, **values)
    assert field in error.value.message_dict
    assert not MonitoringResult.objects.exists()


def test_the_clinic_due_list_names_the_patient_for_staff(dosed_40_days_ago, nurse_client):
    patient = dosed_40_days_ago.patient
    rows = monitoring_due_for_clinic(patient.clinic, today=clinic_today(patient.clinic))
    assert {(row.patient, row.due.check.id) for row in rows if row.is_due} == {
        (patient, "bladder"),
        (patient, "liver"),
        (patient, "cognition"),
    }
    response = nurse_client.get(reverse("safety:due"))
    assert response.status_code == 200
    assert patient.mrn in response.content.decode()


def test_the_result_page_records_and_shows_errors(dosed_40_days_ago, nurse_client):
    patient = dosed_40_days_ago.patient
    url = reverse("safety:result", kwargs={"public_id": patient.public_id})
    bad = nurse_client.post(url, {"check_id": "bladder", "performed_on": "", "result": "normal"})
    assert bad.status_code == 400
    assert "Done on: This field is required." in bad.content.decode()
    good = nurse_client.post(
        url,
        {
            "check_id": "bladder",
            "performed_on": clinic_today(patient.clinic).isoformat(),
            "result": "abnormal",
            "value": "BPIC-SS 21",
        },
    )
    assert good.status_code == 302
    assert MonitoringResult.objects.get().value == "BPIC-SS 21"
