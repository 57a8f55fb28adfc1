"""After sign-off the form is not edited nor filled from the chart again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsMonitoringForm
from openkap.rems.services import rems_form_prepare, rems_form_sign_off, rems_form_update
from openkap.rems.tests.conftest import PASSWORD, TYPED, password_request

pytestmark = pytest.mark.django_db


def test_it_refuses_edits_and_refills(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    form = rems_form_sign_off(
        request=password_request(nurse),
        actor=nurse,
        form=form,
        expected_version=form.version,
        password=PASSWORD,
    )
    with pytest.raises(ValidationError, match="signed off"):
        rems_form_update(
            actor=nurse, form=form, expected_version=form.version, answers={"hcp_phone": "1"}
        )
    with pytest.raises(ValidationError, match="signed off"):
        rems_form_prepare(actor=nurse, session=dosed)
    saved = RemsMonitoringForm.objects.get(pk=form.pk)
    assert saved.signed_values["hcp_phone"] == "555 010 4001"
    assert saved.version == form.version
