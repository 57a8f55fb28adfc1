from __future__ import annotations

import pytest

from openkap.accounts.models import Role
from openkap.patients.timeline import patient_timeline

pytestmark = pytest.mark.django_db


def test_it_puts_the_note_and_its_signature_on_the_care_teams_timeline(signed, nurse):
    titles = [entry.title for entry in patient_timeline(signed.patient, user=nurse)]

    assert f"Integration note: {signed.appointment.label}" in titles
    assert f"Integration note signed: {signed.appointment.label}" in titles


def test_it_keeps_the_note_off_the_timeline_of_a_role_that_does_not_read_it(
    signed, clinic, make_staff
):
    front_desk = make_staff("desk", clinic, Role.FRONT_DESK)

    kinds = {entry.kind for entry in patient_timeline(signed.patient, user=front_desk)}

    assert "integration" not in kinds
