from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category
from openkap.integration import services
from openkap.integration.models import PsychotherapyNote

pytestmark = pytest.mark.django_db


def _rows(note: PsychotherapyNote, **filters: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        category=Category.PSYCHOTHERAPY_NOTES, object_id=str(note.pk), **filters
    )


def test_it_audits_writing_and_editing_in_its_own_category(private_note, therapist):
    services.psychotherapy_note_update(
        actor=therapist, note=private_note, expected_version=1, text="Changed"
    )

    assert _rows(private_note, action=Action.CREATE, user=therapist).count() == 1
    assert _rows(private_note, action=Action.UPDATE, user=therapist).count() == 1
    assert not AuditEvent.objects.filter(
        category=Category.INTEGRATION, object_type="psychotherapy_note"
    ).exists()


def test_it_audits_every_read(private_note, therapist, client_for):
    url = reverse("integration:psychotherapy_note", kwargs={"note_id": private_note.public_id})
    client = client_for(therapist)
    client.get(url)
    client.get(url)

    assert _rows(private_note, action=Action.READ, user=therapist).count() == 2


def test_it_audits_a_refused_read(private_note, prescriber, client_for):
    url = reverse("integration:psychotherapy_note", kwargs={"note_id": private_note.public_id})

    client_for(prescriber).get(url)

    row = AuditEvent.objects.filter(user=prescriber, action=Action.ACCESS_DENIED).latest("sequence")
    assert row.object_type == "psychotherapy_note"
