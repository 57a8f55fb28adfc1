from decimal import Decimal

from django.urls import reverse

from conftest import PASSWORD
from openkap.audit.models import Action, AuditEvent, Category
from openkap.inventory.models import EntryKind, LedgerEntry


def test_it_records_a_receipt_from_the_page(clinic, nurse, vial, client_for):
    response = client_for(nurse).post(
        reverse("inventory:receipt"),
        {
            "kind": "receipt",
            "product": vial.pk,
            "lot_number": "L-77",
            "expires_on": "2030-05-31",
            "containers": "3",
            "invoice_number": "INV-77",
            "supplier_name": "Acme Wholesale",
            "supplier_dea": "RA1234563",
            "received_on": "2025-02-03",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.RECEIPT)
    assert entry.amount_mg == Decimal(1500)  # 3 x 500 mg


def test_it_names_the_field_when_the_supplier_dea_number_is_missing(
    clinic, nurse, vial, client_for
):
    response = client_for(nurse).post(
        reverse("inventory:receipt"),
        {
            "kind": "receipt",
            "product": vial.pk,
            "lot_number": "L-77",
            "expires_on": "2030-05-31",
            "containers": "3",
            "invoice_number": "INV-77",
            "supplier_name": "Acme Wholesale",
            "received_on": "2025-02-03",
        },
    )
    assert response.status_code == 400
    assert "Supplier DEA number" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_it_refuses_waste_with_the_wrong_witness_password_from_the_page(
    clinic, nurse, prescriber, lot, client_for
):
    response = client_for(nurse).post(
        reverse("inventory:waste"),
        {
            "lot": lot.pk,
            "amount_mg": "5",
            "reason": "Residue",
            "witness": prescriber.pk,
            "witness_password": PASSWORD + "x",
        },
    )
    assert response.status_code == 400
    assert "The witness&#x27;s password is not right." in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.WASTE).exists()


def test_it_audits_reading_the_ledger(clinic, nurse, lot, client_for):
    response = client_for(nurse).get(reverse("inventory:ledger"))
    assert response.status_code == 200
    assert "KX100" in response.content.decode()
    assert AuditEvent.objects.filter(
        category=Category.CONTROLLED_SUBSTANCES, action=Action.READ, object_type="ledger"
    ).exists()
