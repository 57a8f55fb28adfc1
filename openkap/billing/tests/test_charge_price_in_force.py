"""A charge is at the price in force on the date of service, and a later price never rewrites it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openkap.billing.charge_services import charges_generate
from openkap.billing.models import Charge, Price
from openkap.billing.tests import charge_factories as f

pytestmark = pytest.mark.django_db


def test_it_uses_the_price_of_the_date_of_service(patient, prescriber, biller):
    today = timezone.localdate()
    item = f.item(
        patient.clinic_id,
        "IV",
        "dosing",
        [(today - timedelta(days=90), "400.00"), (today - timedelta(days=10), "450.00")],
        route="iv",
    )
    plan = f.plan(patient, prescriber)
    f.signed_session(plan, prescriber, today - timedelta(days=20))
    f.signed_session(plan, prescriber, today - timedelta(days=5))
    charges_generate(actor=biller, patient=patient)
    amounts = list(
        Charge.objects.filter(item=item)
        .order_by("date_of_service")
        .values_list("amount", flat=True)
    )
    assert amounts == [Decimal("400.00"), Decimal("450.00")]


def test_a_later_price_does_not_change_a_charge(patient, prescriber, biller):
    today = timezone.localdate()
    item = f.item(
        patient.clinic_id, "IV", "dosing", [(today - timedelta(days=30), "400.00")], route="iv"
    )
    f.signed_session(f.plan(patient, prescriber), prescriber, today - timedelta(days=2))
    charges_generate(actor=biller, patient=patient)
    Price.objects.create(item=item, amount=Decimal("999.00"), effective_from=today)
    charges_generate(actor=biller, patient=patient)
    assert list(Charge.objects.values_list("amount", flat=True)) == [Decimal("400.00")]


def test_it_skips_work_before_the_first_price(patient, prescriber, biller):
    today = timezone.localdate()
    f.item(patient.clinic_id, "IV", "dosing", [(today, "400.00")], route="iv")
    f.signed_session(f.plan(patient, prescriber), prescriber, today - timedelta(days=2))
    result = charges_generate(actor=biller, patient=patient)
    assert not [c for c in result.created if c.source == "dosing_session"]
    assert any("no price in force" in reason for reason in result.skipped)
