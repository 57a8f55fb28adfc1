"""The balance is charges - payments - adjustments, reversals undoing exactly what they reverse,
for any sequence of entries (hypothesis)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openkap.billing.account_selectors import balance
from openkap.billing.charge_services import payment_record, payment_reverse
from openkap.billing.models import Charge, PaymentEntry, Price, PriceItem
from openkap.billing.tests import charge_factories as f
from openkap.plans.models import TreatmentPlan

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)
entry = st.tuples(st.sampled_from(["payment", "adjustment"]), cents, st.booleans())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(charge_amounts=st.lists(cents, max_size=4), entries=st.lists(entry, max_size=6))
def test_the_balance_adds_up(patient, prescriber, biller, charge_amounts, entries):
    # Each example starts from an empty account (reversals go before what they reverse).
    PaymentEntry.objects.filter(reverses__isnull=False).delete()
    PaymentEntry.objects.all().delete()
    Charge.objects.all().delete()
    day = timezone.localdate() - timedelta(days=1)
    item = PriceItem.objects.filter(clinic_id=patient.clinic_id).first() or f.item(
        patient.clinic_id, "Integration", "integration", [(day, "1.00")]
    )
    price = Price.objects.get(item=item)
    plan = TreatmentPlan.objects.filter(patient=patient).first() or f.plan(patient, prescriber)
    for amount in charge_amounts:
        Charge.objects.create(
            patient=patient,
            date_of_service=day,
            source="appointment",
            appointment=f.appointment(plan, "integration", day),
            item=item,
            price=price,
            description="Integration",
            unit_price=amount,
            amount=amount,
            rules_version="test",
            diagnosis_code="F33.1",
            payer_name="Self-pay",
            created_by=biller,
        )
    expected = sum(charge_amounts, Decimal("0"))
    kept = {"payment": Decimal("0"), "adjustment": Decimal("0")}
    for kind, amount, reverse in entries:
        made = payment_record(
            actor=biller,
            patient=patient,
            amount=amount,
            method="insurance" if kind == "adjustment" else "card",
            received_on=day,
            kind=kind,
        )
        expected -= amount
        if reverse:
            payment_reverse(actor=biller, entry=made, reason="Entered in error")
            expected += amount
        else:
            kept[kind] += amount
    got = balance(patient)
    assert got.balance == expected
    # Each part on its own, counted here from what was recorded and not reversed.
    assert got.charged == sum(charge_amounts, Decimal("0"))
    assert got.paid == kept["payment"]
    assert got.adjusted == kept["adjustment"]
