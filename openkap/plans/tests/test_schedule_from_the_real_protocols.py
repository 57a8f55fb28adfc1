"""The plan's schedule against the protocol knowledge itself (openkap.clinical.protocols)."""

from __future__ import annotations

import pytest

from openkap.clinical.protocols import plan_schedule, protocol_ids
from openkap.plans import protocols
from openkap.plans.models import Appointment
from openkap.plans.tests.conftest import REAL_PROTOCOL_CHOICES, REAL_SCHEDULE

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_protocols(monkeypatch):
    monkeypatch.setattr(protocols, "protocol_choices", REAL_PROTOCOL_CHOICES)
    monkeypatch.setattr(protocols, "real_schedule", REAL_SCHEDULE)


@pytest.mark.parametrize("protocol_id", protocol_ids())
def test_activation_follows_the_protocols_schedule(
    protocol_id, real_protocols, eligible_patient, make_plan
):
    choice = protocols.protocol_choice(protocol_id)
    plan = make_plan(
        eligible_patient,
        activate=True,
        route=choice.route,
        setting=choice.settings[0],
        protocol_id=protocol_id,
    )
    expected = plan_schedule(protocol_id)
    appointments = Appointment.objects.filter(plan=plan).order_by("starts_at", "pk")
    assert sorted((a.kind, a.protocol_day, a.dose_number) for a in appointments) == sorted(
        (e.kind, e.day, e.dose_number) for e in expected
    )
