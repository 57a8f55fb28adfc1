"""What the authorisation matrix (openkap/web/tests/test_authorization_matrix.py) needs for the
billing URLs: a payer and a price item of the clinic, and POST bodies that succeed for those
allowed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.billing.models import Payer, Price, PriceItem


def billing_matrix_values(clinic: Clinic) -> dict[str, Any]:
    payer, _ = Payer.objects.get_or_create(
        clinic=clinic,
        name="Matrix Health Plan",
        defaults={"kind": "commercial", "information_source": "Matrix test data"},
    )
    item, created = PriceItem.objects.get_or_create(
        clinic=clinic, name="Matrix evaluation", defaults={"service": "evaluation"}
    )
    if created:
        Price.objects.create(
            item=item, amount=Decimal("300.00"), effective_from=timezone.localdate()
        )
    return {"payer_id": payer.pk}


def billing_post_data(name: str, clinic: Clinic) -> dict[str, Any]:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    if name == "billing:prices":
        item = PriceItem.objects.get(clinic=clinic, name="Matrix evaluation")
        return {"item": item.pk, "amount": "320.00", "effective_from": tomorrow}
    if name == "billing:item_add":
        return {
            "name": "Matrix integration",
            "service": "integration",
            "amount": "150.00",
            "effective_from": timezone.localdate().isoformat(),
        }
    if name == "billing:payers":
        return {"name": "Matrix Self-pay", "kind": "self_pay", "information_source": "Policy"}
    if name == "billing:payer":
        payer = Payer.objects.get(clinic=clinic, name="Matrix Health Plan")
        return {
            "action": "coverage",
            "service": "evaluation",
            "method": "copay",
            "copay": "25",
            "version": payer.version,
        }
    if name == "billing:payer_choose":
        return {"payer": Payer.objects.get(clinic=clinic, name="Matrix Health Plan").pk}
    if name == "billing:account":
        return {"action": "note", "kind": "financing", "text": "Matrix: 6-month plan agreed."}
    return {}
