from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.patients.timeline import patient_timeline

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_the_plan_to_those_who_may_read_it(
    eligible_patient, make_plan, prescriber, make_staff, clinic
):
    make_plan(eligible_patient, activate=True)
    titles = [entry.title for entry in patient_timeline(eligible_patient, user=prescriber)]
    assert "Plan written" in titles and "Plan signed and activated" in titles
    front = make_staff("front.timeline", clinic, Role.FRONT_DESK)
    assert not [
        entry for entry in patient_timeline(eligible_patient, user=front) if entry.kind == "plan"
    ]


def test_the_chart_panel_shows_the_plan_and_the_next_appointments(
    eligible_patient, make_plan, prescriber, client_for
):
    make_plan(eligible_patient, activate=True)
    body = (
        client_for(prescriber)
        .get(reverse("patients:chart", kwargs={"public_id": eligible_patient.public_id}))
        .content.decode()
    )
    assert "Treatment plan and schedule" in body
    assert "Fake IV series" in body
    assert "Preparation" in body


def test_billing_sees_no_plan_panel(eligible_patient, make_plan, make_staff, clinic, client_for):
    billing = make_staff("billing.chart", clinic, Role.BILLING)
    make_plan(eligible_patient, activate=True)
    body = (
        client_for(billing)
        .get(reverse("patients:chart", kwargs={"public_id": eligible_patient.public_id}))
        .content.decode()
    )
    assert "Treatment plan and schedule" not in body
    assert "Fake IV series" not in body
