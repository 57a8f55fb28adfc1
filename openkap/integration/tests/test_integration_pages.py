from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.integration.models import IntegrationAddendum, IntegrationNote, NoteStatus
from openkap.integration.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _note_url(name: str, note: IntegrationNote) -> str:
    return reverse(f"integration:{name}", kwargs={"note_id": note.public_id})


def test_it_links_the_integration_section_from_the_chart(patient, nurse, client_for):
    page = client_for(nurse).get(reverse("patients:chart", kwargs={"public_id": patient.public_id}))

    assert reverse("integration:patient", kwargs={"public_id": patient.public_id}) in (
        page.content.decode()
    )


def test_it_writes_edits_and_signs_a_note_through_the_pages(appointment, therapist, client_for):
    client = client_for(therapist)
    section = reverse("integration:patient", kwargs={"public_id": appointment.patient.public_id})
    assert appointment.label in client.get(section).content.decode()
    new = reverse("integration:note_new", kwargs={"public_id": appointment.patient.public_id})

    created = client.post(
        new, {"appointment": appointment.pk, "themes": "Awe", "goals": "", "follow_up": ""}
    )
    note = IntegrationNote.objects.get()
    assert created["Location"] == _note_url("note", note)
    edited = client.post(
        _note_url("note_edit", note),
        {"themes": "Awe", "goals": "Journal", "follow_up": "Next week", "version": 1},
    )
    assert edited.status_code == 302
    signed = client.post(_note_url("note_sign", note), {"version": 2, "password": PASSWORD})

    assert signed.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.goals) == (NoteStatus.SIGNED, "Journal")


def test_it_names_the_field_when_the_password_is_wrong(draft, therapist, client_for):
    response = client_for(therapist).post(
        _note_url("note_sign", draft), {"version": draft.version, "password": "nope"}
    )

    assert response.status_code == 400
    assert "Your password (to sign): The password is not right" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DRAFT


def test_it_shows_a_conflict_instead_of_overwriting(draft, therapist, client_for):
    response = client_for(therapist).post(
        _note_url("note_edit", draft),
        {"themes": "Old page", "goals": "", "follow_up": "", "version": draft.version + 1},
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    draft.refresh_from_db()
    assert draft.themes != "Old page"


def test_it_adds_an_addendum_through_the_page(signed, prescriber, client_for):
    response = client_for(prescriber).post(
        _note_url("note_addendum", signed),
        {"reason": "Clarify", "text": "Sister, not brother", "password": PASSWORD},
    )

    assert response.status_code == 302
    page = client_for(prescriber).get(_note_url("note", signed)).content.decode()
    assert "Sister, not brother" in page
    assert IntegrationAddendum.objects.get().reason == "Clarify"


def test_it_shows_the_care_team_the_note_without_the_writing_forms(signed, nurse, client_for):
    page = client_for(nurse).get(_note_url("note", signed))

    body = page.content.decode()
    assert page.status_code == 200
    assert signed.themes in body
    assert _note_url("note_addendum", signed) not in body


def test_it_refuses_the_front_desk(signed, clinic, make_staff, client_for):
    desk = make_staff("desk", clinic, Role.FRONT_DESK)

    assert client_for(desk).get(_note_url("note", signed)).status_code == 403


def test_it_does_not_reveal_another_clinics_note(signed, other_clinic, make_staff, client_for):
    outsider = make_staff("outsider", other_clinic, *Role.values)
    client = client_for(outsider)

    real = client.get(_note_url("note", signed))
    made_up = client.get(reverse("integration:note", kwargs={"note_id": uuid.uuid4()}))

    assert real.status_code == made_up.status_code == 404
    assert signed.themes not in real.content.decode()


def test_it_refuses_a_note_form_without_an_integration_session(
    patient, dosing_session, therapist, client_for
):
    url = reverse("integration:note_new", kwargs={"public_id": patient.public_id})

    response = client_for(therapist).get(url, {"appointment": dosing_session.appointment_id})

    assert response.status_code == 400
    assert "appointment" in response.content.decode()
