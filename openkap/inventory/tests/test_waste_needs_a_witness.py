from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.inventory import services
from openkap.inventory.models import EntryKind, LedgerEntry


def _waste(clinic: Any, nurse: Any, lot: Any, witness: Any, password: str, request: Any) -> Any:
    return services.ledger_waste(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal(5),
        reason="Residue in syringe, expelled into a drug-disposal container",
        witness=witness,
        witness_password=password,
        request=request,
    )


def test_it_records_waste_witnessed_by_another_clinician_with_their_password(
    clinic, nurse, prescriber, lot, web_request
):
    entry = _waste(clinic, nurse, lot, prescriber, PASSWORD, web_request(nurse))
    assert entry.kind == EntryKind.WASTE
    assert entry.witness == prescriber
    assert entry.witnessed_at is not None
    assert entry.amount_mg == Decimal(-5)


def test_it_refuses_a_wrong_witness_password_and_audits_it(
    clinic, nurse, prescriber, lot, web_request
):
    with pytest.raises(ValidationError) as refused:
        _waste(clinic, nurse, lot, prescriber, "not-the-password", web_request(nurse))
    assert "witness_password" in refused.value.message_dict
    assert not LedgerEntry.objects.filter(kind=EntryKind.WASTE).exists()
    assert AuditEvent.objects.filter(
        category=Category.CONTROLLED_SUBSTANCES, action=Action.ACCESS_DENIED, object_type="witness"
    ).exists()


def test_it_refuses_the_actor_as_their_own_witness(clinic, nurse, lot, web_request):
    with pytest.raises(ValidationError) as refused:
        _waste(clinic, nurse, lot, nurse, PASSWORD, web_request(nurse))
    assert "witness" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.BILLING, Role.THERAPIST, Role.CLINIC_ADMIN])
def test_it_refuses_a_witness_without_a_clinical_role(
    role, clinic, nurse, lot, make_staff, web_request
):
    witness = make_staff("not-clinical", clinic, role)
    with pytest.raises(ValidationError) as refused:
        _waste(clinic, nurse, lot, witness, PASSWORD, web_request(nurse))
    assert "witness" in refused.value.message_dict


def test_it_refuses_a_witness_of_another_clinic_or_inactive(
    clinic, other_clinic, nurse, lot, make_staff, web_request
):
    elsewhere = make_staff("elsewhere", other_clinic, Role.NURSE)
    gone = make_staff("gone", clinic, Role.NURSE)
    gone.is_active = False
    gone.save()
    for witness in (elsewhere, gone):
        with pytest.raises(ValidationError):
            _waste(clinic, nurse, lot, witness, PASSWORD, web_request(nurse))
    assert not LedgerEntry.objects.filter(kind=EntryKind.WASTE).exists()


def test_it_refuses_waste_in_an_administration_without_a_witness(clinic, nurse, lot):
    with pytest.raises(ValidationError) as refused:
        services.ledger_administer(
            actor=nurse,
            clinic=clinic,
            lot=lot,
            amount_mg=Decimal(40),
            wasted_mg=Decimal(10),
            session_ref="s-1",
        )
    assert "witness" in refused.value.message_dict
    # Neither the dose nor the waste was recorded.
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADMINISTRATION).exists()
