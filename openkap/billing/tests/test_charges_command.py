"""`openkap billing charges --clinic ID --as USERNAME`: charges every patient's completed work,
as a person who may bill there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from openkap.billing.models import Charge
from openkap.billing.tests import charge_factories as f

pytestmark = pytest.mark.django_db


def test_it_charges_the_clinics_completed_work(patient, prescriber, biller):
    day = timezone.localdate() - timedelta(days=2)
    f.item(patient.clinic_id, "IV", "dosing", [(day, "400.00")], route="iv")
    f.signed_session(f.plan(patient, prescriber), prescriber, day)
    call_command("billing", "charges", "--clinic", str(patient.clinic_id), "--as", biller.username)
    assert Charge.objects.filter(patient=patient, source="dosing_session").count() == 1
    call_command("billing", "charges", "--clinic", str(patient.clinic_id), "--as", biller.username)
    assert Charge.objects.filter(patient=patient, source="dosing_session").count() == 1


def test_it_refuses_someone_who_may_not_bill(patient, prescriber):
    with pytest.raises(CommandError, match="may bill"):
        call_command(
            "billing", "charges", "--clinic", str(patient.clinic_id), "--as", prescriber.username
        )
    assert not Charge.objects.exists()
