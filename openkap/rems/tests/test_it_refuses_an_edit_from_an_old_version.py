"""Two people editing the same form: the second save, based on the old version, is refused and
nothing of it is written."""

from __future__ import annotations

import pytest

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsMonitoringForm
from openkap.rems.services import RemsFormConflict, rems_form_prepare, rems_form_update

pytestmark = pytest.mark.django_db


def test_it_refuses_the_second_save(dosed: DosingSession, nurse: User, prescriber: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    loaded = form.version
    rems_form_update(
        actor=nurse, form=form, expected_version=loaded, answers={"hcp_phone": "555 010 4001"}
    )
    with pytest.raises(RemsFormConflict):
        rems_form_update(
            actor=prescriber, form=form, expected_version=loaded, answers={"hcp_phone": "555 0"}
        )
    assert RemsMonitoringForm.objects.get(pk=form.pk).entered_values == {
        "hcp_phone": "555 010 4001"
    }


def test_filling_from_the_chart_again_counts_as_a_change(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    loaded = form.version
    rems_form_prepare(actor=nurse, session=dosed)
    with pytest.raises(RemsFormConflict):
        rems_form_update(actor=nurse, form=form, expected_version=loaded, answers={})
