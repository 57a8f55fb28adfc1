"""Two nurses drawing from one lot at once: the lot's row lock serialises them (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from openkap.inventory import services
from openkap.inventory.models import LedgerEntry, RefusedDraw

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_it_never_takes_a_lot_below_zero_under_concurrent_draws(clinic, nurse, prescriber, lot):
    # 1000 mg in the lot; two draws of 600 mg at once: exactly one may pass.
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def draw(actor):
        try:
            barrier.wait()
            services.ledger_administer(
                actor=actor, clinic=clinic, lot=lot, amount_mg=Decimal(600), session_ref="race"
            )
            outcomes.append("ok")
        except services.InsufficientStock:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=draw, args=(who,)) for who in (nurse, prescriber)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert services.lot_balance(lot) == Decimal(400)
    assert LedgerEntry.objects.filter(session_ref="race").count() == 1
    assert RefusedDraw.objects.count() == 1
