from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent, Category
from openkap.inventory import services
from openkap.inventory.models import LedgerEntry, RefusedDraw


def test_it_refuses_an_administration_beyond_the_balance_and_keeps_the_attempt(clinic, nurse, lot):
    before = LedgerEntry.objects.count()
    with pytest.raises(services.InsufficientStock):
        services.ledger_administer(
            actor=nurse, clinic=clinic, lot=lot, amount_mg=Decimal("1000.001"), session_ref="s"
        )
    assert LedgerEntry.objects.count() == before
    refused = RefusedDraw.objects.get()
    assert refused.amount_mg == Decimal("1000.001")
    assert refused.balance_mg == Decimal(1000)
    assert AuditEvent.objects.filter(
        category=Category.CONTROLLED_SUBSTANCES, object_type="refused_draw"
    ).exists()


def test_it_allows_taking_the_lot_exactly_to_zero(clinic, nurse, lot):
    services.ledger_transfer_out(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal(1000),
        registrant_name="South Clinic",
        registrant_dea="BS7654321",
        invoice_number="T-1",
        transferred_on=lot.entries.get().occurred_at.date(),
    )
    assert services.lot_balance(lot) == 0
    with pytest.raises(ValidationError):
        services.ledger_report_loss(
            actor=nurse,
            clinic=clinic,
            lot=lot,
            amount_mg=Decimal(1),
            discovered_on=lot.expires_on.replace(year=2025),
            reason="Vial missing",
        )


def test_it_refuses_a_correction_that_would_go_below_zero(clinic, nurse, lot):
    receipt = lot.entries.get()
    with pytest.raises(services.InsufficientStock):
        services.ledger_correct(
            actor=nurse, clinic=clinic, entry=receipt, amount_mg=Decimal(-1001), reason="typo"
        )
