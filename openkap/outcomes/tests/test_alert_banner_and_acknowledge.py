"""An open suicide-risk alert shows a banner on every staff page of its clinic until a clinician
acknowledges it with what was done; acknowledging is audited under SUICIDE_RISK."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent, Category
from openkap.outcomes.models import SuicideRiskAlert
from openkap.outcomes.services import response_submit

pytestmark = pytest.mark.django_db

BANNER = 'id="suicide-alert-banner"'


@pytest.fixture
def alert(patient, nurse) -> SuicideRiskAlert:
    _response, raised = response_submit(
        actor=nurse, patient=patient, instrument_id="phq9", answers=[1] * 8 + [2]
    )
    assert raised is not None
    return raised


def test_raising_the_alert_is_audited_as_suicide_risk(alert):
    assert AuditEvent.objects.filter(
        category=Category.SUICIDE_RISK, object_type="suicide_risk_alert", object_id=str(alert.pk)
    ).exists()


@pytest.mark.parametrize("url_name", ["web:home", "patients:list", "outcomes:alerts"])
def test_the_banner_is_on_every_staff_page_of_the_clinic(alert, client_for, nurse, url_name):
    page = client_for(nurse).get(reverse(url_name))
    assert BANNER in page.content.decode()


def test_the_banner_is_not_shown_in_another_clinic(alert, client_for, make_staff, other_clinic):
    elsewhere = make_staff("elsewhere", other_clinic, Role.NURSE)
    assert BANNER not in client_for(elsewhere).get(reverse("web:home")).content.decode()


def test_acknowledging_records_who_when_and_what_and_removes_the_banner(alert, client_for, nurse):
    client = client_for(nurse)
    response = client.post(
        reverse("outcomes:acknowledge", kwargs={"alert_id": alert.pk}),
        {"action_taken": "Called the patient; safety plan reviewed."},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == nurse and alert.acknowledged_at is not None
    assert alert.action_taken == "Called the patient; safety plan reviewed."
    assert BANNER not in client.get(reverse("web:home")).content.decode()
    assert AuditEvent.objects.filter(
        category=Category.SUICIDE_RISK, action="update", object_id=str(alert.pk)
    ).exists()


def test_it_rejects_acknowledging_without_saying_what_was_done(alert, client_for, nurse):
    response = client_for(nurse).post(
        reverse("outcomes:acknowledge", kwargs={"alert_id": alert.pk}), {"action_taken": "  "}
    )
    assert response.status_code == 400
    assert "What was done" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_second_acknowledgement_changes_nothing(alert, client_for, nurse, prescriber):
    client_for(nurse).post(
        reverse("outcomes:acknowledge", kwargs={"alert_id": alert.pk}), {"action_taken": "Called"}
    )
    client_for(prescriber).post(
        reverse("outcomes:acknowledge", kwargs={"alert_id": alert.pk}), {"action_taken": "Other"}
    )
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action_taken) == (nurse, "Called")


def test_front_desk_is_not_shown_the_banner_or_the_alerts(alert, client_for, make_staff, clinic):
    desk = make_staff("desk", clinic, Role.FRONT_DESK)
    client = client_for(desk)
    assert BANNER not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("outcomes:alerts")).status_code == 403


def test_reading_the_alerts_list_is_audited_for_each_patient_shown(
    alert, client_for, nurse, patient
):
    client_for(nurse).get(reverse("outcomes:alerts"))
    assert AuditEvent.objects.filter(
        category=Category.OUTCOMES, action="read", patient=patient, user=nurse
    ).exists()
