"""Only an esketamine session with a dose given has a REMS form."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.rems.models import RemsMonitoringForm
from openkap.rems.services import rems_form_prepare
from openkap.rems.tests.conftest import clinic_time, make_plan, make_session

pytestmark = pytest.mark.django_db


def test_it_refuses_a_session_that_is_not_esketamine(
    patient, prescriber: User, nurse: User, clinic, today: date
) -> None:
    iv = make_plan(patient, prescriber, route="iv")
    session = make_session(iv, nurse, started=clinic_time(clinic, today, 9, 0))
    with pytest.raises(ValidationError, match="not an esketamine session"):
        rems_form_prepare(actor=nurse, session=session)
    assert not RemsMonitoringForm.objects.exists()


def test_it_refuses_a_session_before_the_dose(plan, nurse: User) -> None:
    session = make_session(plan, nurse, started=None)
    with pytest.raises(ValidationError, match="No dose"):
        rems_form_prepare(actor=nurse, session=session)
    assert not RemsMonitoringForm.objects.exists()
