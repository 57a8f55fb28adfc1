from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def dose(eligible_patient, make_plan):
    plan = make_plan(eligible_patient, activate=True)
    return Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)


def test_it_books_a_clinician_who_then_has_it_in_their_feed(dose, nurse, prescriber):
    services.appointment_assign(
        actor=nurse, appointment=dose, expected_version=dose.version, clinician=prescriber
    )
    dose.refresh_from_db()
    assert dose.clinician == prescriber
    _feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=dose.patient.clinic)
    from django.test import Client

    body = Client().get(reverse("plans:ical", kwargs={"token": token})).content.decode()
    assert body.count("BEGIN:VEVENT") == 1


def test_it_refuses_someone_who_does_not_deliver_care_here(
    dose, nurse, make_staff, clinic, other_clinic
):
    front = make_staff("front.assign", clinic, Role.FRONT_DESK)
    elsewhere = make_staff("dr.elsewhere", other_clinic, Role.PRESCRIBER)
    for who in (front, elsewhere):
        with pytest.raises(ValidationError) as refused:
            services.appointment_assign(
                actor=nurse, appointment=dose, expected_version=dose.version, clinician=who
            )
        assert "clinician" in refused.value.message_dict
    dose.refresh_from_db()
    assert dose.clinician is None


def test_a_stale_booking_is_refused(dose, nurse, prescriber):
    stale = dose.version
    services.appointment_assign(
        actor=nurse, appointment=dose, expected_version=stale, clinician=nurse
    )
    with pytest.raises(services.PlanConflict):
        services.appointment_assign(
            actor=prescriber, appointment=dose, expected_version=stale, clinician=prescriber
        )
    dose.refresh_from_db()
    assert dose.clinician == nurse
