from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.plans import services
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.plans.tests.conftest import plan_fields
from openkap.plans.tests.factories import signing_request

pytestmark = pytest.mark.django_db


def test_only_a_prescriber_creates_a_plan(eligible_patient, nurse, make_staff, clinic):
    therapist = make_staff("therapist.plans", clinic, Role.THERAPIST)
    for actor in (nurse, therapist):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=actor, patient=eligible_patient, **plan_fields())
    assert not TreatmentPlan.objects.exists()


def test_only_a_prescriber_signs_a_plan(eligible_patient, nurse, make_plan):
    plan = make_plan(eligible_patient)
    with pytest.raises(PermissionDenied):
        services.plan_activate(
            request=signing_request(nurse),
            actor=nurse,
            plan=plan,
            expected_version=plan.version,
            password=PASSWORD,
        )


def test_billing_cannot_move_an_appointment(eligible_patient, make_plan, make_staff, clinic):
    billing = make_staff("billing.plans", clinic, Role.BILLING)
    plan = make_plan(eligible_patient, activate=True)
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    with pytest.raises(PermissionDenied):
        services.appointment_move(
            actor=billing,
            appointment=dose,
            expected_version=dose.version,
            starts_at=dose.starts_at + timedelta(hours=1),
            reason="x",
        )


def test_the_front_desk_sees_the_schedule_but_not_the_plan(
    eligible_patient, make_plan, make_staff, clinic, client_for
):
    front = make_staff("front.plans", clinic, Role.FRONT_DESK)
    make_plan(eligible_patient, activate=True)
    response = client_for(front).get(
        reverse("plans:patient", kwargs={"public_id": eligible_patient.public_id})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Preparation" in body
    assert "F33.1" not in body  # the indication is the plan's clinical content
    assert "Fake IV series" not in body


def test_another_clinics_staff_get_not_found(
    eligible_patient, make_plan, make_staff, other_clinic, client_for
):
    elsewhere = make_staff("elsewhere.plans", other_clinic, *Role.values)
    make_plan(eligible_patient, activate=True)
    response = client_for(elsewhere).get(
        reverse("plans:patient", kwargs={"public_id": eligible_patient.public_id})
    )
    assert response.status_code == 404
