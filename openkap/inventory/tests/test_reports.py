import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from conftest import PASSWORD
from openkap.audit.models import Action, AuditEvent, Category
from openkap.inventory import services


def _activity(
    clinic: Any, nurse: Any, prescriber: Any, lot: Any, patient: Any, web_request: Any
) -> None:
    services.ledger_administer(
        actor=nurse,
        clinic=clinic,
        lot=lot,
        amount_mg=Decimal(35),
        wasted_mg=Decimal(5),
        witness=prescriber,
        witness_password=PASSWORD,
        request=web_request(nurse),
        session_ref="sess-42",
        patient=patient,
    )


def test_it_exports_every_entry_of_the_range_with_the_required_fields(
    clinic, nurse, prescriber, admin, lot, patient, web_request, client_for
):
    _activity(clinic, nurse, prescriber, lot, patient, web_request)
    today = date.today().isoformat()
    response = client_for(admin).get(
        reverse("inventory:inspection_report"),
        {"start": "2025-01-01", "end": today, "format": "csv"},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kinds = sorted(row["kind"] for row in rows)
    assert kinds == ["Administration", "Receipt", "Waste"]
    receipt = next(row for row in rows if row["kind"] == "Receipt")
    assert receipt["invoice"] == "INV-1"
    assert receipt["counterparty"] == "Acme Wholesale"
    assert receipt["counterparty_dea"] == "RA1234563"
    assert receipt["containers"] == "2.000"
    assert receipt["container"] == "10 mL vial"
    assert receipt["strength"] == "50 mg/mL"
    assert receipt["lot"] == "KX100"
    assert receipt["occurred_at"].startswith("2025-01-06")
    given = next(row for row in rows if row["kind"] == "Administration")
    assert given["patient_name"] == f"{patient.legal_given_name} {patient.legal_family_name}"
    assert given["session_ref"] == "sess-42"
    assert given["recorded_by"] == nurse.display_name()
    waste = next(row for row in rows if row["kind"] == "Waste")
    assert waste["witness"] == prescriber.display_name()
    assert AuditEvent.objects.filter(
        category=Category.CONTROLLED_SUBSTANCES, action=Action.EXPORT, object_type="report"
    ).exists()


def test_it_leaves_out_entries_outside_the_range(clinic, admin, lot, client_for):
    response = client_for(admin).get(
        reverse("inventory:inspection_report"),
        {"start": "2025-02-01", "end": "2025-02-28", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == []


def test_it_shows_the_inventory_at_opening_and_close_of_business(
    clinic, nurse, admin, lot, client_for
):
    # The receipt is dated 2025-01-06: not in stock at its opening, in stock at its close.
    client = client_for(admin)
    url = reverse("inventory:inventory_report")
    opening = client.get(
        url, {"day": "2025-01-06", "at": "open", "purpose": "initial", "format": "csv"}
    )
    closing = client.get(
        url, {"day": "2025-01-06", "at": "close", "purpose": "initial", "format": "csv"}
    )
    open_rows = list(csv.DictReader(io.StringIO(opening.content.decode())))
    close_rows = list(csv.DictReader(io.StringIO(closing.content.decode())))
    assert [row["mg"] for row in open_rows] == ["0.000"]
    assert [(row["lot"], row["containers"], row["mg"]) for row in close_rows] == [
        ("KX100", "2.00", "1000.000")
    ]
    page = client.get(url, {"day": "2025-01-06", "at": "open", "purpose": "biennial"})
    assert "opening of business" in page.content.decode()


def test_it_shows_the_reconciliation_and_audits_it(clinic, nurse, admin, lot, client_for):
    services.ledger_count(actor=nurse, clinic=clinic, lot=lot, counted_mg=Decimal(990))
    response = client_for(admin).get(reverse("inventory:reconciliation"))
    body = response.content.decode()
    assert "Discrepancies need review" in body
    assert "-10" in body
    assert AuditEvent.objects.filter(
        category=Category.CONTROLLED_SUBSTANCES, action=Action.READ, object_type="report"
    ).exists()


def test_it_refuses_a_range_that_ends_before_it_starts(admin, client_for):
    response = client_for(admin).get(
        reverse("inventory:inspection_report"), {"start": "2025-03-01", "end": "2025-02-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
