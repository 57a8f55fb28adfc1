from __future__ import annotations

import pytest

from openkap.integration import services
from openkap.integration.tests.conftest import integration_appointment

pytestmark = pytest.mark.django_db


def test_it_links_the_dosing_session_of_the_same_dose(draft, dosing_session):
    assert draft.dosing_session == dosing_session


def test_it_links_no_session_when_the_plan_has_none_for_that_dose(plan, dosing_session, therapist):
    appointment = integration_appointment(plan, dose_number=2)

    note = services.integration_note_create(
        actor=therapist, appointment=appointment, themes="Calm", goals="", follow_up=""
    )

    assert note.dosing_session is None
