"""A total monitoring time under 120 minutes is recorded as it was, with a warning (the session
chart enforces the minimum; the form records the truth)."""

from __future__ import annotations

from datetime import date

import pytest

from openkap.accounts.models import User
from openkap.rems.services import rems_form_prepare, rems_form_sign_off, rems_form_update
from openkap.rems.tests.conftest import PASSWORD, TYPED, clinic_time, make_session, password_request

pytestmark = pytest.mark.django_db


def test_it_signs_off_with_the_warning_kept(plan, nurse: User, clinic, today: date) -> None:
    # 09:00 to 10:50: 110 minutes.
    session = make_session(
        plan,
        nurse,
        started=clinic_time(clinic, today, 9, 0),
        discharged=clinic_time(clinic, today, 10, 50),
    )
    form = rems_form_prepare(actor=nurse, session=session)
    answers = {**TYPED, "bp_40_systolic": "140", "bp_40_diastolic": "88"}
    answers.update({"bp_end_systolic": "126", "bp_end_diastolic": "80", "vitals_ok_end": "yes"})
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=answers)
    form = rems_form_sign_off(
        request=password_request(nurse),
        actor=nurse,
        form=form,
        expected_version=form.version,
        password=PASSWORD,
    )
    assert form.signed_values["total_minutes"] == 110
    assert len(form.signed_warnings) == 1
    assert "110 minutes is below the 120-minute minimum" in form.signed_warnings[0]
