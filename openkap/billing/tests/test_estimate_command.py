"""`openkap estimate --mrn MRN --format json`: the issue's shape with money as two-decimal strings;
unknown MRN, no plan and an item without a price fail with a message naming the problem."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openkap.audit.models import AuditEvent, Category


def _run(*args: str) -> str:
    out = StringIO()
    call_command("estimate", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_estimate_as_json(price_list, insurer, planned_patient):
    planned_patient.insurance_payer = "ACME"
    planned_patient.save()
    data = json.loads(_run("--mrn", planned_patient.mrn, "--format", "json"))
    assert set(data) == {"lines", "total", "patient_total", "currency"}
    assert data["currency"] == "USD"
    assert data["total"] == "3320.00"
    assert data["patient_total"] == "2440.00"
    assert data["lines"][1] == {
        "item": "IV package of 6",
        "quantity": 1,
        "unit_price": "2100.00",
        "expected_coverage": "0.00",
        "patient_pays": "2100.00",
    }
    assert sum(Decimal(line["patient_pays"]) for line in data["lines"]) == Decimal("2440.00")
    assert AuditEvent.objects.filter(
        category=Category.BILLING, patient=planned_patient, username="openkap estimate"
    ).exists()


def test_an_unknown_mrn_fails(price_list):
    with pytest.raises(CommandError, match="No patient with MRN 'NO-999999'"):
        _run("--mrn", "NO-999999")


def test_a_patient_without_a_plan_fails(price_list, patient):
    with pytest.raises(CommandError, match="no treatment plan"):
        _run("--mrn", patient.mrn)


def test_an_item_without_a_price_is_named(price_list, planned_patient):
    price_list["integration"].prices.all().delete()
    with pytest.raises(
        CommandError, match="No price for an item the plan needs: Integration session"
    ):
        _run("--mrn", planned_patient.mrn)


def test_the_text_format_says_it_is_not_a_bill(price_list, planned_patient):
    assert "not a bill" in _run("--mrn", planned_patient.mrn, "--format", "text")
