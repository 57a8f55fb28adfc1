"""The dashboard's list: the clinic's esketamine sessions with a dose given and no submission
recorded (started or not), the oldest due date first, with days left and overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.selectors import rems_forms_due
from openkap.rems.services import rems_form_prepare
from openkap.rems.tests.conftest import clinic_time, make_plan, make_session

pytestmark = pytest.mark.django_db


def test_it_lists_what_is_due(
    clinic, other_clinic, make_patient, prescriber: User, nurse: User, plan, today: date
) -> None:
    ten_days_ago = make_session(
        plan, nurse, started=clinic_time(clinic, today - timedelta(days=10), 9, 0), dose_number=1
    )
    two_days_ago = make_session(
        plan, nurse, started=clinic_time(clinic, today - timedelta(days=2), 9, 0), dose_number=2
    )
    submitted = make_session(
        plan, nurse, started=clinic_time(clinic, today - timedelta(days=5), 9, 0), dose_number=3
    )
    make_session(plan, nurse, started=None, dose_number=4)  # no dose yet: no form due
    iv = make_plan(make_patient(clinic), prescriber, route="iv")
    make_session(iv, nurse, started=clinic_time(clinic, today, 9, 0))  # not esketamine
    elsewhere = make_plan(make_patient(other_clinic), prescriber)
    make_session(elsewhere, nurse, started=clinic_time(clinic, today, 9, 0))  # other clinic

    form = rems_form_prepare(actor=nurse, session=two_days_ago)
    done = rems_form_prepare(actor=nurse, session=submitted)
    RemsMonitoringForm.objects.filter(pk=done.pk).update(
        status=RemsFormStatus.SUBMITTED,
        signed_off_at=done.prepared_at,
        signed_off_by=nurse,
        submitted_on=today,
        submission_method="fax",
        submission_recorded_by=nurse,
    )

    rows = rems_forms_due(clinic=clinic, today=today)
    assert [row.session.pk for row in rows] == [ten_days_ago.pk, two_days_ago.pk]
    first, second = rows
    assert first.form is None and first.state == "Not started"
    assert first.due_on == today - timedelta(days=3)
    assert (first.days_left, first.overdue, first.days_overdue) == (-3, True, 3)
    assert second.form == form
    assert (second.days_left, second.overdue) == (5, False)


def test_it_is_empty_when_nothing_is_due(clinic, dosed: DosingSession, today: date) -> None:
    assert [row.session for row in rems_forms_due(clinic=clinic, today=today)] == [dosed]
    assert rems_forms_due(clinic=clinic, today=today + timedelta(days=8))[0].overdue
