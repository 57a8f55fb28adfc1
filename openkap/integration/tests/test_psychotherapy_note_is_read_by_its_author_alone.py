from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.integration import selectors
from openkap.integration.models import PsychotherapyNote
from openkap.integration.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def _url(note: PsychotherapyNote) -> str:
    return reverse("integration:psychotherapy_note", kwargs={"note_id": note.public_id})


def test_it_shows_the_note_to_its_author(private_note, therapist, client_for):
    response = client_for(therapist).get(_url(private_note))

    assert response.status_code == 200
    assert SECRET in response.content.decode()


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.THERAPIST, Role.NURSE])
def test_it_answers_not_found_to_anyone_else_whatever_their_role(
    private_note, clinic, make_staff, client_for, role
):
    colleague = make_staff("colleague", clinic, role)

    response = client_for(colleague).get(_url(private_note))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    with pytest.raises(PsychotherapyNote.DoesNotExist):
        selectors.psychotherapy_note_get_for_user(user=colleague, public_id=private_note.public_id)


def test_it_answers_a_colleague_as_for_a_note_that_does_not_exist(
    private_note, prescriber, client_for
):
    client = client_for(prescriber)
    real = client.get(_url(private_note))
    made_up = client.get(
        reverse("integration:psychotherapy_note", kwargs={"note_id": uuid.uuid4()})
    )

    assert real.status_code == made_up.status_code == 404
    assert SECRET not in real.content.decode()


def test_it_lists_a_note_in_its_authors_list_only(private_note, therapist, prescriber, client_for):
    url = reverse("integration:psychotherapy_list")

    mine = client_for(therapist).get(url).content.decode()
    theirs = client_for(prescriber).get(url).content.decode()

    assert str(private_note.public_id) in mine
    assert str(private_note.public_id) not in theirs
