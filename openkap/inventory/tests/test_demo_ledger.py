from decimal import Decimal

from openkap.accounts.models import Role
from openkap.inventory import demo, selectors
from openkap.inventory.models import LedgerEntry


def test_it_loads_a_balanced_demo_ledger_once(organisation, make_staff, make_patient):
    from openkap.accounts.models import Clinic

    clinic = Clinic.objects.create(
        organisation=organisation, name="Harbor Mind Brookline", mrn_prefix="BRK"
    )
    make_staff("nurse.okafor", clinic, Role.NURSE)
    make_staff("dr.chen", clinic, Role.PRESCRIBER)
    make_staff("admin.walsh", clinic, Role.CLINIC_ADMIN)
    for _ in range(3):
        make_patient(clinic)

    assert demo.load_for_demo(
        organisation_name=organisation.name, password="correct-horse-battery-staple"
    )
    count = LedgerEntry.objects.count()
    assert not demo.load_for_demo(
        organisation_name=organisation.name, password="correct-horse-battery-staple"
    )
    assert LedgerEntry.objects.count() == count
    lots = selectors.lots_with_balance(clinic=clinic)
    balances = {x.lot_number: x.balance_mg for x in lots}  # type: ignore[attr-defined]
    # Vials: 10 x 500 - 3 x (35 + 5) - 20 = 4860. Devices: 24 x 28 - 3 x 56 = 504.
    # Troches: 30 x 100 mg received, none given yet = 3000.
    assert balances == {
        "BRK-KT2417": Decimal(4860),
        "BRK-ES0931": Decimal(504),
        "BRK-SL0522": Decimal(3000),
    }
    assert len(selectors.reconciliation(clinic=clinic).count_discrepancies) == 1
    assert LedgerEntry.objects.filter(session_ref__startswith="demo-").count() == 9
