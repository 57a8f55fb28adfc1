from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.integration import services
from openkap.integration.models import IntegrationNote, NoteStatus
from openkap.plans.models import AppointmentKind, AppointmentStatus

pytestmark = pytest.mark.django_db

TEXTS = {"themes": "Grief", "goals": "Walk daily", "follow_up": "None"}


@pytest.mark.parametrize("who", ["therapist", "prescriber"])
def test_it_lets_a_therapist_or_prescriber_start_a_draft(who, appointment, request):
    author = request.getfixturevalue(who)

    note = services.integration_note_create(actor=author, appointment=appointment, **TEXTS)

    assert note.status == NoteStatus.DRAFT
    assert note.created_by == author
    assert (note.themes, note.goals, note.follow_up) == ("Grief", "Walk daily", "None")


def test_it_refuses_a_nurse(appointment, nurse):
    with pytest.raises(PermissionDenied):
        services.integration_note_create(actor=nurse, appointment=appointment, **TEXTS)
    assert not IntegrationNote.objects.exists()


def test_it_refuses_an_appointment_that_is_not_an_integration_session(dosing_session, therapist):
    with pytest.raises(ValidationError) as caught:
        services.integration_note_create(
            actor=therapist, appointment=dosing_session.appointment, **TEXTS
        )
    assert "appointment" in caught.value.message_dict
    assert dosing_session.appointment.kind == AppointmentKind.DOSING


def test_it_refuses_a_cancelled_session(appointment, therapist):
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()

    with pytest.raises(ValidationError) as caught:
        services.integration_note_create(actor=therapist, appointment=appointment, **TEXTS)
    assert "appointment" in caught.value.message_dict


def test_it_refuses_a_second_note_for_the_same_session(draft, therapist):
    with pytest.raises(ValidationError) as caught:
        services.integration_note_create(actor=therapist, appointment=draft.appointment, **TEXTS)
    assert "appointment" in caught.value.message_dict
    assert IntegrationNote.objects.count() == 1


def test_it_refuses_an_empty_note_naming_the_themes(appointment, therapist):
    with pytest.raises(ValidationError) as caught:
        services.integration_note_create(
            actor=therapist, appointment=appointment, themes="  ", goals="", follow_up=""
        )
    assert "themes" in caught.value.message_dict
    assert not IntegrationNote.objects.exists()
