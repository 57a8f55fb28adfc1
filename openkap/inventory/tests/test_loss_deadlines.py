from datetime import date
from decimal import Decimal

from openkap.inventory import services


def test_it_sets_the_next_business_day_notice_and_the_form_106_date(clinic, nurse, lot):
    # Discovered on Friday 2025-01-10: notice due Monday 2025-01-13; Form 106 45 days later,
    # 2025-02-24 (by calendar).
    entry = services.ledger_report_loss(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal(500),
        discovered_on=date(2025, 1, 10),
        reason="One vial missing from the locked cabinet at the evening count",
    )
    assert entry.notice_due_on == date(2025, 1, 13)
    assert entry.form_106_due_on == date(2025, 2, 24)
    assert services.lot_balance(lot) == Decimal(500)


def test_it_counts_a_midweek_discovery_to_the_next_day():
    assert services.next_business_day(date(2025, 1, 8), 1) == date(2025, 1, 9)


def test_it_lists_the_loss_with_its_deadlines_in_the_reconciliation(
    clinic, nurse, admin, lot, client_for
):
    from django.urls import reverse

    services.ledger_report_loss(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal(500),
        discovered_on=date(2025, 1, 10),
        reason="Vial missing at the evening count",
    )
    body = client_for(admin).get(reverse("inventory:reconciliation")).content.decode()
    assert "2025-01-13" in body
    assert "2025-02-24" in body
