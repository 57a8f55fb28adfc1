"""Logging an emergency drill: date, scenario, participants, findings, follow-up; audited; bad
input refused with the field named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent, Category
from openkap.quality.models import EmergencyDrill
from openkap.quality.services import drill_record
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def test_it_logs_a_drill_with_its_participants_and_an_audit_row(admin, clinic, prescriber):
    drill = drill_record(
        actor=admin,
        clinic=clinic,
        held_on=in_days(-3),
        scenario="airway",
        participants=[prescriber],
        findings="Oxygen reached in 90 s.",
        follow_up="Move the mask.",
    )
    assert list(drill.participants.all()) == [prescriber]
    event = AuditEvent.objects.get(category=Category.QUALITY, object_type="emergency_drill")
    assert event.detail["scenario"] == "airway"


def test_it_rejects_a_drill_dated_in_the_future(admin, clinic, prescriber):
    with pytest.raises(ValidationError) as error:
        drill_record(
            actor=admin,
            clinic=clinic,
            held_on=in_days(2),
            scenario="airway",
            participants=[prescriber],
            findings="x",
        )
    assert "held_on" in error.value.message_dict
    assert not EmergencyDrill.objects.exists()


def test_it_rejects_a_drill_without_findings(admin, clinic, prescriber):
    with pytest.raises(ValidationError) as error:
        drill_record(
            actor=admin,
            clinic=clinic,
            held_on=in_days(-1),
            scenario="evacuation",
            participants=[prescriber],
            findings="  ",
        )
    assert "findings" in error.value.message_dict


def test_it_rejects_a_drill_without_anyone_taking_part(admin, clinic):
    with pytest.raises(ValidationError) as error:
        drill_record(
            actor=admin, clinic=clinic, held_on=in_days(-1), scenario="airway", findings="x"
        )
    assert "participants" in error.value.message_dict


def test_it_rejects_a_participant_of_another_clinic(admin, clinic, other_clinic, make_staff):
    stranger = make_staff("stranger-d", other_clinic, "nurse")
    with pytest.raises(ValidationError) as error:
        drill_record(
            actor=admin,
            clinic=clinic,
            held_on=in_days(-1),
            scenario="airway",
            participants=[stranger],
            findings="x",
        )
    assert "participants" in error.value.message_dict
    assert not EmergencyDrill.objects.exists()


def test_the_form_logs_a_drill(admin, prescriber, client_for):
    response = client_for(admin).post(
        "/quality/drills/add/",
        {
            "held_on": in_days(-1).isoformat(),
            "scenario": "severe_agitation",
            "participants": [prescriber.pk],
            "findings": "De-escalation within 2 minutes.",
        },
    )
    assert response.status_code == 302
    assert EmergencyDrill.objects.get().scenario == "severe_agitation"


def test_the_form_names_a_future_date(admin, prescriber, client_for):
    response = client_for(admin).post(
        "/quality/drills/add/",
        {
            "held_on": in_days(5).isoformat(),
            "scenario": "airway",
            "participants": [prescriber.pk],
            "findings": "x",
        },
    )
    assert response.status_code == 400
    assert "the date is in the future" in response.content.decode()
    assert not EmergencyDrill.objects.exists()
