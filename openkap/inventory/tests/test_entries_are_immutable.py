from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.inventory import services
from openkap.inventory.models import LedgerEntry


def test_it_refuses_changing_or_deleting_an_entry_through_the_services(lot):
    entry = lot.entries.get()
    with pytest.raises(services.LedgerIsAppendOnly):
        services.entry_change(entry=entry, amount_mg=Decimal(1))
    with pytest.raises(services.LedgerIsAppendOnly):
        services.entry_delete(entry=entry)
    entry.refresh_from_db()
    assert entry.amount_mg == Decimal(1000)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_it_refuses_update_and_delete_at_the_database(lot):
    entry = lot.entries.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_mg=Decimal(9999))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_ledgerentry SET amount_mg = 0")
    entry.refresh_from_db()
    assert entry.amount_mg == Decimal(1000)
