from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSWORD
from openkap.plans.models import Appointment
from openkap.plans.tests.conftest import FAKE_SCHEDULE
from openkap.plans.tests.factories import signing_request

pytestmark = pytest.mark.django_db


def test_activation_generates_one_appointment_per_protocol_event(eligible_patient, make_plan):
    plan = make_plan(eligible_patient, activate=True)
    appointments = list(Appointment.objects.filter(plan=plan).order_by("starts_at", "pk"))
    assert plan.status == "active"
    assert [(a.kind, a.dose_number, a.protocol_day) for a in appointments] == [
        (e.kind, e.dose_number, e.day) for e in FAKE_SCHEDULE
    ]
    assert all(a.status == "scheduled" for a in appointments)


def test_appointments_start_at_nine_in_the_clinics_time_zone(eligible_patient, make_plan):
    zone = ZoneInfo(eligible_patient.clinic.timezone)
    plan = make_plan(eligible_patient, activate=True)
    preparation = Appointment.objects.get(plan=plan, kind="preparation")
    assert preparation.starts_at == datetime.combine(plan.start_date, time(9, 0), tzinfo=zone)
    dose_1 = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    assert dose_1.starts_at.astimezone(zone).date() == plan.start_date + timedelta(days=2)


def test_an_integration_on_the_day_of_its_dose_comes_after_the_dose(eligible_patient, make_plan):
    plan = make_plan(eligible_patient, activate=True)
    dose_2 = Appointment.objects.get(plan=plan, kind="dosing", dose_number=2)
    integration = Appointment.objects.get(plan=plan, kind="integration", dose_number=2)
    assert integration.starts_at >= dose_2.starts_at + timedelta(minutes=dose_2.duration_minutes)


def test_a_dosing_slot_covers_the_protocols_minimum_monitoring_time(eligible_patient, make_plan):
    plan = make_plan(
        eligible_patient,
        activate=True,
        route="intranasal_esketamine",
        protocol_id="fake-esketamine",
    )
    for dose in Appointment.objects.filter(plan=plan, kind="dosing"):
        assert dose.duration_minutes >= 120  # the fake protocol's minimum monitoring


def test_activating_twice_is_refused(eligible_patient, prescriber, make_plan):
    from django.core.exceptions import ValidationError

    from openkap.plans import services

    plan = make_plan(eligible_patient, activate=True)
    with pytest.raises(ValidationError):
        services.plan_activate(
            request=signing_request(prescriber),
            actor=prescriber,
            plan=plan,
            expected_version=plan.version,
            password=PASSWORD,
        )
    assert Appointment.objects.filter(plan=plan).count() == len(FAKE_SCHEDULE)
