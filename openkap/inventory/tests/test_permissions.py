from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import Role
from openkap.accounts.permissions import Permission, roles_with
from openkap.inventory import services
from openkap.inventory.models import LedgerEntry


def test_it_gives_the_ledger_to_clinicians_and_the_reports_to_the_administrator():
    assert roles_with(Permission.CS_RECORD) == {Role.NURSE, Role.PRESCRIBER}
    assert roles_with(Permission.CS_REPORT) == {Role.CLINIC_ADMIN}
    assert roles_with(Permission.CS_MANAGE) == {Role.CLINIC_ADMIN}


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.BILLING, Role.THERAPIST, Role.CLINIC_ADMIN])
def test_it_refuses_recording_to_roles_without_the_permission(role, clinic, make_staff, vial):
    actor = make_staff("someone", clinic, role)
    with pytest.raises(PermissionDenied):
        services.ledger_receive(
            actor=actor,
            clinic=clinic,
            product=vial,
            lot_number="L1",
            expires_on=date(2030, 1, 1),
            containers=Decimal(1),
            invoice_number="I",
            supplier_name="S",
            supplier_dea="RA1234563",
            received_on=date(2025, 1, 6),
        )
    assert not LedgerEntry.objects.exists()


def test_it_refuses_drawing_from_another_clinics_lot(other_clinic, make_staff, lot):
    elsewhere = make_staff("south.nurse", other_clinic, Role.NURSE)
    with pytest.raises(ValidationError) as refused:
        services.ledger_administer(
            actor=elsewhere, clinic=other_clinic, lot=lot, amount_mg=Decimal(1), session_ref="x"
        )
    assert "lot" in refused.value.message_dict
    assert services.lot_balance(lot) == Decimal(1000)
