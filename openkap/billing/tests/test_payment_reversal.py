"""Payments are never edited: a mistake is a reversing entry with a reason, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openkap.billing.account_selectors import balance
from openkap.billing.charge_services import payment_record, payment_reverse
from openkap.billing.models import PaymentEntry

pytestmark = pytest.mark.django_db


def pay(biller: Any, patient: Any, amount: str = "100.00", **kwargs: Any) -> PaymentEntry:
    values: dict[str, Any] = {"method": "card", "received_on": timezone.localdate()}
    values.update(kwargs)
    return payment_record(actor=biller, patient=patient, amount=Decimal(amount), **values)


def test_a_reversal_restores_the_balance_and_keeps_the_payment(biller, patient):
    payment = pay(biller, patient)
    assert balance(patient).balance == Decimal("-100.00")
    reversal = payment_reverse(actor=biller, entry=payment, reason="Card charged twice")
    assert reversal.amount == Decimal("-100.00")
    assert balance(patient).balance == Decimal("0.00")
    payment.refresh_from_db()
    assert payment.amount == Decimal("100.00")


def test_it_refuses_a_reversal_without_a_reason(biller, patient):
    with pytest.raises(ValidationError) as error:
        payment_reverse(actor=biller, entry=pay(biller, patient), reason="  ")
    assert "reason" in error.value.message_dict


def test_it_refuses_to_reverse_twice(biller, patient):
    payment = pay(biller, patient)
    payment_reverse(actor=biller, entry=payment, reason="Wrong patient")
    with pytest.raises(ValidationError, match="already reversed"):
        payment_reverse(actor=biller, entry=payment, reason="Again")
    assert PaymentEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "field"), [("0", "amount"), ("-5", "amount"), ("1.234", "amount")]
)
def test_it_refuses_a_bad_amount(biller, patient, amount, field):
    with pytest.raises(ValidationError) as error:
        pay(biller, patient, amount)
    assert field in error.value.message_dict
    assert not PaymentEntry.objects.exists()


def test_it_refuses_a_payment_in_the_future(biller, patient):
    with pytest.raises(ValidationError) as error:
        pay(biller, patient, received_on=timezone.localdate() + timedelta(days=1))
    assert "received_on" in error.value.message_dict


def test_an_insurance_adjustment_is_paid_by_insurance(biller, patient):
    with pytest.raises(ValidationError) as error:
        pay(biller, patient, kind="adjustment", method="cash")
    assert "method" in error.value.message_dict
    pay(biller, patient, "40.00", kind="adjustment", method="insurance")
    assert balance(patient).adjusted == Decimal("40.00")
