"""The submission (date, online or fax, confirmation) is recorded once, after sign-off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.services import (
    rems_form_prepare,
    rems_form_record_submission,
    rems_form_sign_off,
    rems_form_update,
)
from openkap.rems.tests.conftest import PASSWORD, TYPED, password_request

pytestmark = pytest.mark.django_db


def _signed_off(session: DosingSession, nurse: User) -> RemsMonitoringForm:
    form = rems_form_prepare(actor=nurse, session=session)
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    return rems_form_sign_off(
        request=password_request(nurse),
        actor=nurse,
        form=form,
        expected_version=form.version,
        password=PASSWORD,
    )


def test_it_refuses_a_draft(dosed: DosingSession, nurse: User, today: date) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    with pytest.raises(ValidationError, match="Sign the form off"):
        rems_form_record_submission(
            actor=nurse,
            form=form,
            expected_version=form.version,
            submitted_on=today,
            method="fax",
            confirmation_reference="",
        )


def test_it_records_a_fax(dosed: DosingSession, nurse: User, today: date) -> None:
    form = _signed_off(dosed, nurse)
    form = rems_form_record_submission(
        actor=nurse,
        form=form,
        expected_version=form.version,
        submitted_on=today,
        method="fax",
        confirmation_reference="",
    )
    assert form.status == RemsFormStatus.SUBMITTED
    assert (form.submitted_on, form.submission_method) == (today, "fax")
    with pytest.raises(ValidationError, match="already recorded"):
        rems_form_record_submission(
            actor=nurse,
            form=form,
            expected_version=form.version,
            submitted_on=today,
            method="online",
            confirmation_reference="X",
        )


def test_it_names_each_bad_answer(dosed: DosingSession, nurse: User, today: date) -> None:
    form = _signed_off(dosed, nurse)
    with pytest.raises(ValidationError) as caught:
        rems_form_record_submission(
            actor=nurse,
            form=form,
            expected_version=form.version,
            submitted_on=today + timedelta(days=1),
            method="online",
            confirmation_reference=" ",
        )
    assert set(caught.value.message_dict) == {"submitted_on", "confirmation_reference"}
    with pytest.raises(ValidationError) as caught:
        rems_form_record_submission(
            actor=nurse,
            form=form,
            expected_version=form.version,
            submitted_on=today - timedelta(days=1),
            method="carrier pigeon",
            confirmation_reference="",
        )
    assert set(caught.value.message_dict) == {"submitted_on", "method"}
    assert RemsMonitoringForm.objects.get(pk=form.pk).status == RemsFormStatus.SIGNED_OFF
