"""A bad value is refused naming its field, and nothing of the edit is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsMonitoringForm
from openkap.rems.services import rems_form_prepare, rems_form_update

pytestmark = pytest.mark.django_db


def test_it_names_every_bad_field_and_saves_none(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    with pytest.raises(ValidationError) as caught:
        rems_form_update(
            actor=nurse,
            form=form,
            expected_version=form.version,
            answers={
                "hcp_phone": "555 010 4001",
                "ready_to_leave_minutes": "ninety",
                "treatment_date": "21/11/2026",
                "ae_sedation": "maybe",
            },
        )
    assert set(caught.value.message_dict) == {
        "ready_to_leave_minutes",
        "treatment_date",
        "ae_sedation",
    }
    saved = RemsMonitoringForm.objects.get(pk=form.pk)
    assert saved.entered_values == {}
    assert saved.version == form.version
