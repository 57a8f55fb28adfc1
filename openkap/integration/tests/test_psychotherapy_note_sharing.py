from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent, Category
from openkap.integration import services
from openkap.integration.models import PsychotherapyNote, PsychotherapyNoteShare
from openkap.integration.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def _url(name: str, note: PsychotherapyNote) -> str:
    return reverse(f"integration:{name}", kwargs={"note_id": note.public_id})


def test_it_lets_the_author_share_with_a_named_colleague(
    private_note, therapist, prescriber, client_for
):
    response = client_for(therapist).post(
        _url("psychotherapy_share", private_note), {"colleague": prescriber.pk}
    )

    assert response.status_code == 302
    shared = client_for(prescriber).get(_url("psychotherapy_note", private_note))
    assert shared.status_code == 200
    assert SECRET in shared.content.decode()


def test_it_hides_the_note_again_once_unshared(private_note, therapist, prescriber, client_for):
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)

    client_for(therapist).post(
        _url("psychotherapy_unshare", private_note), {"colleague": prescriber.pk}
    )

    assert client_for(prescriber).get(_url("psychotherapy_note", private_note)).status_code == 404
    share = PsychotherapyNoteShare.objects.get()
    assert share.ended_at is not None  # the share is kept, ended: who could read it, and when


def test_it_records_sharing_and_unsharing_in_the_audit_trail(private_note, therapist, prescriber):
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)
    services.psychotherapy_note_unshare(actor=therapist, note=private_note, colleague=prescriber)

    details = list(
        AuditEvent.objects.filter(
            category=Category.PSYCHOTHERAPY_NOTES, object_id=str(private_note.pk)
        ).values_list("detail", flat=True)
    )
    assert {"shared_with": prescriber.pk} in details
    assert {"unshared_with": prescriber.pk} in details


def test_it_refuses_sharing_with_someone_outside_the_patients_clinic(
    private_note, therapist, other_clinic, make_staff
):
    outsider = make_staff("outsider", other_clinic, Role.PRESCRIBER)

    with pytest.raises(ValidationError) as caught:
        services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=outsider)
    assert "colleague" in caught.value.message_dict
    assert not PsychotherapyNoteShare.objects.exists()


def test_it_refuses_sharing_by_anyone_but_the_author(private_note, therapist, prescriber, nurse):
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)

    with pytest.raises(PsychotherapyNote.DoesNotExist):
        services.psychotherapy_note_share(actor=prescriber, note=private_note, colleague=nurse)
    assert PsychotherapyNoteShare.objects.count() == 1


def test_it_refuses_a_share_page_post_from_a_colleague_it_is_shared_with(
    private_note, therapist, prescriber, nurse, client_for
):
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)

    response = client_for(prescriber).post(
        _url("psychotherapy_share", private_note), {"colleague": nurse.pk}
    )

    assert response.status_code == 403
    assert PsychotherapyNoteShare.objects.count() == 1
