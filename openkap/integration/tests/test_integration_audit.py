from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def _rows(**filters: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(category=Category.INTEGRATION, **filters)


def test_it_audits_creating_and_signing(signed, therapist):
    rows = _rows(object_type="integration_note", object_id=str(signed.pk), user=therapist)
    assert rows.filter(action=Action.CREATE).count() == 1
    assert rows.filter(action=Action.UPDATE, detail__signed=True).count() == 1
    assert all(row.patient_id == signed.patient_id for row in rows)


def test_it_audits_reading_the_note(signed, nurse, client_for):
    client_for(nurse).get(reverse("integration:note", kwargs={"note_id": signed.public_id}))

    row = _rows(action=Action.READ, user=nurse).latest("sequence")
    assert (row.object_type, row.object_id) == ("integration_note", str(signed.pk))
    assert row.patient == signed.patient


def test_it_audits_reading_the_integration_section(patient, nurse, client_for):
    client_for(nurse).get(reverse("integration:patient", kwargs={"public_id": patient.public_id}))

    assert _rows(action=Action.READ, user=nurse, patient=patient).exists()
