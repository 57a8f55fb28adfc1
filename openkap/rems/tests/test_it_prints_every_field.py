"""The printable page shows every field of the form and marks the unverified item wording."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from openkap.accounts.models import User
from openkap.clinical.rems import rems_form_spec
from openkap.dosing.models import DosingSession
from openkap.rems.services import rems_form_prepare

pytestmark = pytest.mark.django_db


def test_it_prints_every_field_and_the_notes(dosed: DosingSession, nurse: User, client_for) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    page = client_for(nurse).get(reverse("rems:print", kwargs={"form_id": form.public_id}))
    assert page.status_code == 200
    body = page.content.decode()
    for field in rems_form_spec().fields:
        assert escape(field.label) in body, field.id
    assert "Unverified item wording" in body
    assert "DRAFT: not signed off" in body
    assert "1-877-778-0091" in body and "1-855-382-6022" in body
    assert "ESK-LOT-1" in body
    assert "rems/print.css" in body
