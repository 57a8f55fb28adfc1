from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from openkap.plans import services
from openkap.plans.models import TreatmentPlan
from openkap.plans.tests.conftest import plan_fields
from openkap.plans.tests.factories import sign_screening, signing_request
from openkap.screening.models import Decision, Screening

pytestmark = pytest.mark.django_db


def test_it_refuses_a_plan_without_a_signed_screening(patient, prescriber):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=prescriber, patient=patient, **plan_fields())
    assert "no signed screening" in str(refused.value)
    assert not TreatmentPlan.objects.exists()


def test_it_refuses_a_plan_when_the_screening_in_force_is_ineligible(patient, prescriber):
    sign_screening(patient, prescriber, Decision.ELIGIBLE)
    sign_screening(patient, prescriber, Decision.INELIGIBLE)  # newer: the one in force
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=prescriber, patient=patient, **plan_fields())
    assert "ineligible" in str(refused.value)
    assert not TreatmentPlan.objects.exists()


def test_it_refuses_a_plan_for_another_route_than_the_screening(patient, prescriber):
    sign_screening(patient, prescriber, route="im", setting="in_office")
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=prescriber, patient=patient, **plan_fields(route="iv"))
    assert "route" in refused.value.message_dict


def test_it_creates_a_draft_plan_on_a_signed_eligible_screening(eligible_patient, prescriber):
    plan = services.plan_create(actor=prescriber, patient=eligible_patient, **plan_fields())
    assert plan.status == "draft"
    assert plan.screening == Screening.objects.get(patient=eligible_patient)
    assert plan.protocol_name == "Fake IV series"
    assert not plan.appointments.exists()


def test_it_refuses_activation_when_the_screening_was_superseded(
    eligible_patient, prescriber, make_plan
):
    plan = make_plan(eligible_patient)
    sign_screening(eligible_patient, prescriber, Decision.INELIGIBLE)
    with pytest.raises(ValidationError):
        services.plan_activate(
            request=signing_request(prescriber),
            actor=prescriber,
            plan=plan,
            expected_version=plan.version,
            password=PASSWORD,
        )
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert not plan.appointments.exists()


def test_it_refuses_a_second_open_plan(eligible_patient, prescriber, make_plan):
    make_plan(eligible_patient)
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=prescriber, patient=eligible_patient, **plan_fields())
    assert "open plan" in str(refused.value)
