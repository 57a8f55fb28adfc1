"""Every read of a form (page, print, dashboard) and every change writes an audit row naming the
fields, never their values."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent, Category
from openkap.dosing.models import DosingSession
from openkap.rems.services import rems_form_prepare, rems_form_update
from openkap.rems.tests.conftest import TYPED

pytestmark = pytest.mark.django_db


def test_it_audits_the_pages(dosed: DosingSession, nurse: User, client_for) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    client = client_for(nurse)
    before = AuditEvent.objects.filter(category=Category.REMS, action=Action.READ).count()
    assert client.get(reverse("rems:form", kwargs={"form_id": form.public_id})).status_code == 200
    assert client.get(reverse("rems:print", kwargs={"form_id": form.public_id})).status_code == 200
    assert client.get(reverse("rems:dashboard")).status_code == 200
    reads = AuditEvent.objects.filter(category=Category.REMS, action=Action.READ).order_by(
        "sequence"
    )
    assert reads.count() == before + 3
    views = [event.detail["view"] for event in reads[before:]]
    assert views == ["rems_form", "rems_form_print", "rems_dashboard"]
    assert all(event.user == nurse for event in reads[before:])


def test_it_audits_changes_without_values(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    events = AuditEvent.objects.filter(category=Category.REMS).order_by("sequence")
    assert [(e.action, e.detail["step"]) for e in events] == [
        (Action.CREATE, "prepare"),
        (Action.UPDATE, "edit"),
    ]
    assert events[1].detail["fields"] == sorted(TYPED)
    assert all(e.patient_id == dosed.patient_id for e in events)
    stored = json.dumps([e.detail for e in events])
    for value in (*TYPED.values(), dosed.patient.legal_family_name, "ESK-LOT-1"):
        assert value not in stored
