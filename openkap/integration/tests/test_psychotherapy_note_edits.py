from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openkap.integration import services
from openkap.integration.models import PsychotherapyNote
from openkap.integration.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def test_it_lets_the_author_edit_on_the_current_version(private_note, therapist):
    note = services.psychotherapy_note_update(
        actor=therapist, note=private_note, expected_version=1, text="Rewritten"
    )

    assert note.text == "Rewritten"
    assert note.version == 2
    assert note.author == therapist


def test_it_refuses_an_edit_from_an_outdated_page(private_note, therapist):
    services.psychotherapy_note_update(
        actor=therapist, note=private_note, expected_version=1, text="First"
    )

    with pytest.raises(services.NoteConflict):
        services.psychotherapy_note_update(
            actor=therapist, note=private_note, expected_version=1, text="Second"
        )
    private_note.refresh_from_db()
    assert private_note.text == "First"


def test_it_refuses_an_edit_by_a_colleague_it_is_shared_with(
    private_note, therapist, prescriber, client_for
):
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)

    with pytest.raises(PsychotherapyNote.DoesNotExist):
        services.psychotherapy_note_update(
            actor=prescriber, note=private_note, expected_version=1, text="Mine now"
        )
    response = client_for(prescriber).post(
        reverse("integration:psychotherapy_note", kwargs={"note_id": private_note.public_id}),
        {"text": "Mine now", "version": 1},
    )
    assert response.status_code == 403
    private_note.refresh_from_db()
    assert (private_note.text, private_note.author) == (SECRET, therapist)


def test_it_refuses_writing_without_the_permission(patient, nurse):
    with pytest.raises(PermissionDenied):
        services.psychotherapy_note_write(actor=nurse, patient=patient, text="Not mine to write")
    assert not PsychotherapyNote.objects.exists()


def test_it_refuses_an_empty_note_naming_the_text(patient, therapist, client_for):
    response = client_for(therapist).post(
        reverse("integration:psychotherapy_new", kwargs={"public_id": patient.public_id}),
        {"text": "   "},
    )

    assert response.status_code == 400
    assert "Psychotherapy note" in response.content.decode()
    with pytest.raises(ValidationError):
        services.psychotherapy_note_write(actor=therapist, patient=patient, text="")
    assert not PsychotherapyNote.objects.exists()
