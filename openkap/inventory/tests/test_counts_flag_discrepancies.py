from datetime import date
from decimal import Decimal

from conftest import PASSWORD
from openkap.inventory import selectors, services


def test_it_keeps_a_matching_count_out_of_the_reconciliation(clinic, nurse, lot):
    services.ledger_count(actor=nurse, clinic=clinic, lot=lot, counted_mg=Decimal(1000))
    assert selectors.reconciliation(clinic=clinic, today=date(2025, 6, 1)).clean


def test_it_flags_a_planted_count_discrepancy(clinic, nurse, prescriber, lot, web_request):
    count = services.ledger_count(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        counted_mg=Decimal(980),
        witness=prescriber,
        witness_password=PASSWORD,
        request=web_request(nurse),
    )
    assert count.expected_mg == Decimal(1000)
    assert count.discrepancy_mg == Decimal(-20)
    assert services.lot_balance(lot) == Decimal(1000)  # a count does not change the balance
    result = selectors.reconciliation(clinic=clinic, today=date(2025, 6, 1))
    assert [e.pk for e in result.count_discrepancies] == [count.pk]
    assert not result.clean


def test_it_lists_expired_lots_still_holding_stock(clinic, receive):
    expired = receive(lot_number="OLD1", expires_on=date(2025, 3, 1)).lot
    receive(lot_number="NEW1", expires_on=date(2031, 3, 1))
    result = selectors.reconciliation(clinic=clinic, today=date(2025, 6, 1))
    assert [x.pk for x in result.expired_with_stock] == [expired.pk]
