from decimal import Decimal

from conftest import PASSWORD
from openkap.inventory import selectors, services
from openkap.inventory.models import LedgerEntry


def test_it_derives_the_lot_balance_from_the_entries(
    clinic, nurse, prescriber, lot, receive, web_request
):
    receive(containers=1)  # the same lot again: 2 + 1 vials of 500 mg = 1500 mg
    services.ledger_administer(
        actor=nurse, clinic=clinic, lot=lot, amount_mg=Decimal(35), session_ref="s-1"
    )
    services.ledger_administer(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal("42.5"),
        wasted_mg=Decimal("7.5"),
        witness=prescriber,
        witness_password=PASSWORD,
        request=web_request(nurse),
        session_ref="s-2",
    )

    # 1500 - 35 - 42.5 - 7.5 = 1415, by hand.
    assert services.lot_balance(lot) == Decimal(1415)
    lots = selectors.lots_with_balance(clinic=clinic)
    listed = {x.pk: x.balance_mg for x in lots}  # type: ignore[attr-defined]
    assert listed[lot.pk] == Decimal(1415)
    product = selectors.products_with_balance(clinic=clinic).get()
    assert product.balance_mg == Decimal(1415)  # type: ignore[attr-defined]
    assert LedgerEntry.objects.filter(lot=lot).count() == 5


def test_it_keeps_clinics_balances_apart(clinic, other_clinic, lot):
    assert list(selectors.lots_with_balance(clinic=other_clinic)) == []
    assert [x.pk for x in selectors.lots_with_balance(clinic=clinic)] == [lot.pk]
