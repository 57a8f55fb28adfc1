"""A form is due 7 days after its treatment date, the day of the first device in the clinic's
time zone (not the server's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from openkap.accounts.models import User
from openkap.rems.services import rems_form_prepare
from openkap.rems.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def test_it_counts_from_the_clinics_day(plan, nurse: User, clinic) -> None:
    clinic.timezone = "America/Los_Angeles"
    clinic.save()
    # 23:30 on 20 November in Los Angeles is 21 November in UTC.
    started = datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    session = make_session(plan, nurse, started=started)
    form = rems_form_prepare(actor=nurse, session=session)
    assert form.treatment_date == date(2026, 11, 20)
    assert form.due_on == date(2026, 11, 27)
    assert form.values()["treatment_date"] == "2026-11-20"


def test_the_due_date_moves_with_the_dose_time(plan, nurse: User, clinic) -> None:
    started = datetime(2026, 12, 30, 10, 0, tzinfo=ZoneInfo(clinic.timezone))
    session = make_session(plan, nurse, started=started)
    form = rems_form_prepare(actor=nurse, session=session)
    assert form.due_on == date(2027, 1, 6)
    assert form.due_on - form.treatment_date == timedelta(days=7)
