"""Filling the form from the chart again keeps what a person typed and their corrections, and takes
the chart's new values for the rest."""

from __future__ import annotations

from datetime import date

import pytest

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.services import rems_form_prepare, rems_form_update
from openkap.rems.tests.conftest import TYPED, chart, clinic_time

pytestmark = pytest.mark.django_db


def test_it_keeps_typed_values_and_corrections(
    dosed: DosingSession, nurse: User, clinic, today: date
) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(
        actor=nurse,
        form=form,
        expected_version=form.version,
        answers={
            **TYPED,
            "bp_40_systolic": "150",
            "patient_last_name": form.values()["patient_last_name"],
        },
    )
    # A value equal to the chart's is not a correction.
    assert "patient_last_name" not in form.entered_values
    # A later set before discharge changes the chart's answer for "before completion".
    chart(dosed, nurse, "vitals", clinic_time(clinic, today, 11, 2), systolic=122, diastolic=78)
    form = rems_form_prepare(actor=nurse, session=dosed)
    values = form.values()
    assert values["hcp_phone"] == "555 010 4001"
    assert values["ready_to_leave_minutes"] == 90
    assert values["bp_40_systolic"] == 150  # the correction, over the chart's 152
    assert form.chart_values["bp_40_systolic"] == 152
    assert (values["bp_end_systolic"], values["bp_end_diastolic"]) == (122, 78)


def test_setting_a_value_back_to_the_chart_drops_the_correction(
    dosed: DosingSession, nurse: User
) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(
        actor=nurse, form=form, expected_version=form.version, answers={"dose_mg": "84"}
    )
    assert form.values()["dose_mg"] == 84
    form = rems_form_update(
        actor=nurse, form=form, expected_version=form.version, answers={"dose_mg": "56"}
    )
    assert "dose_mg" not in form.entered_values
