"""Generating charges twice charges nothing twice; unsigned or not-done work is not charged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.billing.charge_services import charges_generate
from openkap.billing.models import Charge
from openkap.billing.tests import charge_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(patient, prescriber):
    day = timezone.localdate() - timedelta(days=3)
    past = day - timedelta(days=60)
    clinic = patient.clinic_id
    f.item(clinic, "IV", "dosing", [(past, "400.00")], route="iv", codes=["96365", "J3490"])
    f.item(clinic, "Integration", "integration", [(past, "150.00")], codes=["90837"])
    f.item(clinic, "Evaluation", "evaluation", [(past, "300.00")], codes=["90792"])
    plan = f.plan(patient, prescriber)
    f.signed_session(plan, prescriber, day)
    f.signed_session(plan, prescriber, day + timedelta(days=1), signed=False)
    f.appointment(plan, "integration", day)
    f.appointment(plan, "integration", day + timedelta(days=1), done=False)
    return patient


def test_it_charges_signed_sessions_done_appointments_and_the_evaluation(worked, biller):
    result = charges_generate(actor=biller, patient=worked)
    assert sorted(c.source for c in result.created) == [
        "appointment",
        "dosing_session",
        "evaluation",
    ]
    assert sorted(str(c.amount) for c in result.created) == ["150.00", "300.00", "400.00"]
    assert {c.diagnosis_code for c in result.created} == {"F33.1"}


def test_it_charges_nothing_twice(worked, biller):
    charges_generate(actor=biller, patient=worked)
    again = charges_generate(actor=biller, patient=worked)
    assert again.created == []
    assert Charge.objects.filter(patient=worked).count() == 3


def test_it_audits_generation(worked, biller):
    charges_generate(actor=biller, patient=worked)
    assert AuditEvent.objects.filter(
        category=Category.BILLING, object_type="charges", patient=worked
    ).exists()


def test_it_refuses_a_prescriber(worked, prescriber):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        charges_generate(actor=prescriber, patient=worked)
    assert not Charge.objects.exists()


def test_it_skips_work_without_a_valid_diagnosis(patient, prescriber, biller):
    day = timezone.localdate() - timedelta(days=3)
    f.item(patient.clinic_id, "IV", "dosing", [(day, "400.00")], route="iv")
    plan = f.plan(patient, prescriber, indication="F99.99")
    f.signed_session(plan, prescriber, day)
    result = charges_generate(actor=biller, patient=patient)
    assert result.created == []
    assert any("ICD-10-CM" in reason for reason in result.skipped)
