from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from openkap.plans import services
from openkap.plans.models import TreatmentPlan
from openkap.plans.tests.conftest import plan_fields

pytestmark = pytest.mark.django_db


def test_it_refuses_esketamine_at_home(eligible_patient, prescriber):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            actor=prescriber,
            patient=eligible_patient,
            **plan_fields(
                route="intranasal_esketamine", setting="at_home", protocol_id="fake-esketamine"
            ),
        )
    assert "REMS" in refused.value.message_dict["setting"][0]
    assert not TreatmentPlan.objects.exists()


def test_it_accepts_esketamine_in_office(eligible_patient, prescriber):
    plan = services.plan_create(
        actor=prescriber,
        patient=eligible_patient,
        **plan_fields(route="intranasal_esketamine", protocol_id="fake-esketamine"),
    )
    assert plan.setting == "in_office"


def test_the_database_refuses_esketamine_at_home_too(eligible_patient, prescriber):
    plan = services.plan_create(
        actor=prescriber,
        patient=eligible_patient,
        **plan_fields(route="intranasal_esketamine", protocol_id="fake-esketamine"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.filter(pk=plan.pk).update(setting="at_home")


def test_it_refuses_a_protocol_of_another_route(eligible_patient, prescriber):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            actor=prescriber, patient=eligible_patient, **plan_fields(protocol_id="fake-home")
        )
    assert "protocol_id" in refused.value.message_dict
