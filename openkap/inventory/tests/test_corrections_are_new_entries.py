from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openkap.inventory import services
from openkap.inventory.models import EntryKind


def test_it_corrects_an_administration_with_a_new_entry_that_names_it(clinic, nurse, lot):
    given = services.ledger_administer(
        actor=nurse, clinic=clinic, lot=lot, amount_mg=Decimal(50), session_ref="s-1"
    )
    correction = services.ledger_correct(
        actor=nurse,
        clinic=clinic,
        entry=given,
        amount_mg=Decimal(15),
        reason="35 mg was given, not 50",
    )
    given.refresh_from_db()
    assert given.amount_mg == Decimal(-50)  # the original is unchanged
    assert correction.kind == EntryKind.CORRECTION
    assert correction.corrects == given
    assert correction.reason == "35 mg was given, not 50"
    assert services.lot_balance(lot) == Decimal(965)  # 1000 - 50 + 15


def test_it_refuses_a_correction_without_a_reason(clinic, nurse, lot):
    with pytest.raises(ValidationError) as refused:
        services.ledger_correct(
            actor=nurse, clinic=clinic, entry=lot.entries.get(), amount_mg=Decimal(1), reason=" "
        )
    assert "reason" in refused.value.message_dict
