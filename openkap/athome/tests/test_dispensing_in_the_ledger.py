"""Doses dispensed for home use are ledger movements: out of the lot (derived balance), refused when
the lot is short, and leftovers returned are recorded in and destroyed with a witness."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from openkap.athome import services
from openkap.athome.models import Dispensing
from openkap.inventory.models import EntryKind, LedgerEntry
from openkap.inventory.services import InsufficientStock, lot_balance

pytestmark = pytest.mark.django_db


def test_dispensing_takes_the_troches_out_of_the_lot(dispense, troches, patient):
    dispensing = dispense(units=4)
    # 30 troches x 100 mg received, 4 x 100 mg dispensed: 2600 mg left (by hand).
    assert lot_balance(troches) == Decimal(2600)
    entry = dispensing.ledger_entry
    assert (entry.kind, entry.amount_mg, entry.patient) == (
        EntryKind.DISPENSED_HOME,
        Decimal(-400),
        patient,
    )
    assert "1Z999" in entry.reason


def test_a_shipment_needs_its_tracking_number(dispense):
    with pytest.raises(ValidationError) as error:
        dispense(tracking="")
    assert "tracking" in error.value.message_dict
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISPENSED_HOME).exists()


def test_dispensing_more_than_the_lot_holds_is_refused(dispense, troches):
    with pytest.raises(InsufficientStock):
        dispense(units=31, units_per_session=1)
    assert not Dispensing.objects.exists()
    assert lot_balance(troches) == Decimal(3000)


def test_only_those_who_record_controlled_substances_may_dispense(
    clinic, make_staff, patient, plan, troches
):
    therapist = make_staff("theo", clinic, "therapist")
    with pytest.raises(PermissionDenied):
        services.dispensing_record(
            actor=therapist,
            patient=patient,
            plan=plan,
            data=services.DispenseInput(
                troches, 2, Decimal(100), 1, "handed", "", "", plan.start_date
            ),
        )


def test_returned_leftovers_are_destroyed_with_a_witness(
    dispense, troches, nurse, prescriber, web_request
):
    dispensing = dispense(units=4)
    record = services.dispensing_return(
        actor=nurse,
        dispensing=dispensing,
        units=2,
        reason="Pouch",
        witness=prescriber,
        witness_password=PASSWORD,
        request=web_request(prescriber),
    )
    assert record.returned_entry.amount_mg == Decimal(200)
    assert record.waste_entry.amount_mg == Decimal(-200)
    assert record.waste_entry.witness == prescriber
    # The lot's balance is unchanged by a return: returned doses never rejoin the stock.
    assert lot_balance(troches) == Decimal(2600)
    assert services.expected_units(dispensing) == 2


def test_a_return_without_the_witness_password_records_nothing(
    dispense, nurse, prescriber, web_request
):
    dispensing = dispense(units=4)
    with pytest.raises(ValidationError):
        services.dispensing_return(
            actor=nurse,
            dispensing=dispensing,
            units=1,
            reason="Pouch",
            witness=prescriber,
            witness_password="wrong",
            request=web_request(prescriber),
        )
    assert not LedgerEntry.objects.filter(kind=EntryKind.RETURNED).exists()


def test_a_strength_other_than_the_products_is_refused(dispense):
    with pytest.raises(ValidationError) as error:
        dispense(mg_per_unit=Decimal(50))
    assert "mg_per_unit" in error.value.message_dict
