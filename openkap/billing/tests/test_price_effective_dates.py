"""A price is never rewritten: a change is a new price from a later date (today or after), the
price in force on a date is the latest that started by then, and an estimate keeps the prices it
used."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.billing import selectors, services
from openkap.billing.models import Price


def test_the_price_in_force_is_the_latest_that_has_started(price_list, biller):
    item = price_list["iv"]
    today = timezone.localdate()
    services.price_add(
        actor=biller, item=item, amount=Decimal("450.00"), effective_from=today + timedelta(days=10)
    )

    def amount_on(days: int) -> Decimal | None:
        price = selectors.price_in_force(item, today + timedelta(days=days))
        return price.amount if price else None

    assert amount_on(0) == Decimal("400.00")
    assert amount_on(9) == Decimal("400.00")
    assert amount_on(10) == Decimal("450.00")
    assert selectors.price_in_force(item, today - timedelta(days=31)) is None


def test_a_new_price_cannot_start_in_the_past(price_list, biller):
    with pytest.raises(ValidationError) as error:
        services.price_add(
            actor=biller,
            item=price_list["iv"],
            amount=Decimal("450.00"),
            effective_from=timezone.localdate() - timedelta(days=1),
        )
    assert "effective_from" in error.value.message_dict
    assert price_list["iv"].prices.count() == 1


def test_a_new_price_must_start_after_the_latest_one(price_list, biller):
    item = price_list["iv"]
    later = timezone.localdate() + timedelta(days=30)
    services.price_add(actor=biller, item=item, amount=Decimal("450.00"), effective_from=later)
    with pytest.raises(ValidationError) as error:
        services.price_add(
            actor=biller,
            item=item,
            amount=Decimal("430.00"),
            effective_from=later - timedelta(days=5),
        )
    assert "effective_from" in error.value.message_dict
    assert list(item.prices.order_by("effective_from").values_list("amount", flat=True)) == [
        Decimal("400.00"),
        Decimal("450.00"),
    ]


def test_a_new_price_is_audited_and_front_desk_may_not_add_one(price_list, biller, front_desk):
    price = services.price_add(
        actor=biller,
        item=price_list["prep"],
        amount=Decimal("210.00"),
        effective_from=timezone.localdate() + timedelta(days=1),
    )
    assert AuditEvent.objects.filter(
        category=Category.BILLING, object_type="price", object_id=str(price.pk)
    ).exists()
    with pytest.raises(PermissionDenied):
        services.price_add(
            actor=front_desk,
            item=price_list["prep"],
            amount=Decimal("220.00"),
            effective_from=timezone.localdate() + timedelta(days=2),
        )
    assert Price.objects.filter(item=price_list["prep"]).count() == 2


def test_a_saved_estimate_keeps_the_prices_it_used(
    price_list, insurer, planned_patient, front_desk, biller
):
    saved = services.estimate_save(actor=front_desk, patient=planned_patient)
    services.price_add(
        actor=biller,
        item=price_list["prep"],
        amount=Decimal("999.00"),
        effective_from=timezone.localdate() + timedelta(days=1),
    )
    saved.refresh_from_db()
    prep = next(line for line in saved.snapshot["lines"] if line["item"] == "Preparation")
    assert prep["unit_price"] == "200.00"
    assert prep["price_id"] == price_list["prep"].prices.order_by("effective_from").first().pk
