"""Esketamine sessions are charged by the payer's bundling: G2082/G2083, or drug + visit codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openkap.billing.charge_services import charges_generate
from openkap.billing.models import PatientPayer, Payer
from openkap.billing.tests import charge_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def esketamine_patient(patient, prescriber):
    day = timezone.localdate() - timedelta(days=5)
    f.item(
        patient.clinic_id,
        "Esketamine session",
        "dosing",
        [(day - timedelta(days=30), "885.00")],
        route="intranasal_esketamine",
        codes=["G2082", "G2083"],
    )
    plan = f.plan(patient, prescriber, route="intranasal_esketamine")
    f.signed_session(plan, prescriber, day, dose_mg="84", minutes=5)
    return patient


def payer(clinic: Any, method: str) -> Payer:
    return Payer.objects.create(
        clinic=clinic,
        name=method,
        kind="commercial",
        information_source="x",
        esketamine_billing=method,
    )


def codes_of(result: Any) -> dict[str, int]:
    [charge] = result.created
    return {entry["code"]: entry["units"] for entry in charge.codes}


def test_a_bundling_payer_gets_g2083_for_84_mg(esketamine_patient, biller):
    PatientPayer.objects.create(
        patient=esketamine_patient, payer=payer(esketamine_patient.clinic, "bundled")
    )
    assert codes_of(charges_generate(actor=biller, patient=esketamine_patient)) == {"G2083": 1}


def test_a_split_payer_gets_s0013_per_mg_and_visit_codes(esketamine_patient, biller):
    PatientPayer.objects.create(
        patient=esketamine_patient, payer=payer(esketamine_patient.clinic, "split_s0013")
    )
    codes = codes_of(charges_generate(actor=biller, patient=esketamine_patient))
    assert codes["S0013"] == 84
    assert "99213" in codes
    assert "G2083" not in codes
