"""The superbill and the HSA/FSA receipt of a patient for a date range: gathered from the charges
and payments that exist (nothing is charged here: generate charges first), rendered by
openkap.billing.pdf, and audited as reads of the patient's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from openkap.accounts.models import User
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import account_selectors as account
from openkap.billing import pdf
from openkap.billing.models import EntryKind, PaymentEntry
from openkap.patients.models import Patient

MAX_RANGE_DAYS = 3660


class DocumentUnavailable(ValueError):
    """Nothing to put in the document (bad range, no charges): the message says which."""


def check_range(start: date, end: date) -> None:
    if end < start:
        raise DocumentUnavailable("The end date is before the start date.")
    if (end - start).days > MAX_RANGE_DAYS:
        raise DocumentUnavailable("The range is longer than ten years.")


def _party(patient: Patient) -> pdf.Party:
    clinic = patient.clinic
    identifiers = account.clinic_identifiers(clinic.pk)
    clinic_address = ", ".join(
        part
        for part in (
            clinic.address_line,
            clinic.city,
            f"{clinic.state} {clinic.postal_code}".strip(),
        )
        if part
    )
    patient_address = ", ".join(
        part
        for part in (
            patient.address_line1,
            patient.address_line2,
            patient.city,
            f"{patient.region} {patient.postal_code}".strip(),
        )
        if part
    )
    return pdf.Party(
        clinic_name=clinic.name,
        clinic_address=clinic_address,
        clinic_phone=clinic.phone,
        clinic_npi=identifiers.npi if identifiers else "",
        clinic_tax_id=identifiers.tax_id if identifiers else "",
        patient_name=patient.legal_name(),
        patient_dob=patient.date_of_birth,
        patient_address=patient_address,
        patient_mrn=patient.mrn,
        insurer=patient.insurance_payer,
        member_id=patient.insurance_member_id,
        group_number=patient.insurance_group_number,
    )


def _payment_lines(rows: list[PaymentEntry]) -> list[pdf.PaymentLine]:
    return [
        pdf.PaymentLine(
            received_on=row.received_on,
            kind=row.get_kind_display(),
            method=row.get_method_display(),
            reference=row.reference,
            amount=row.amount,
        )
        for row in rows
    ]


def _audit(
    *, actor: User | None, username: str, patient: Patient, what: str, start: date, end: date
) -> None:
    audit_record(
        action=Action.READ,
        category=Category.BILLING,
        actor=actor,
        username="" if actor else username,
        patient=patient,
        object_type=what,
        object_id=patient.pk,
        detail={"from": start.isoformat(), "to": end.isoformat()},
    )


def superbill(
    *, actor: User | None, patient: Patient, start: date, end: date, username: str = ""
) -> bytes:
    check_range(start, end)
    charges = list(account.charges(patient, start, end))
    if not charges:
        raise DocumentUnavailable(
            f"No charges from {start.isoformat()} to {end.isoformat()}: generate charges first."
        )
    payments = list(account.payments_in(patient, start, end))
    charged = sum((charge.amount for charge in charges), Decimal("0.00"))
    paid = sum((entry.amount for entry in payments), Decimal("0.00"))
    content = pdf.superbill_pdf(
        party=_party(patient),
        start=start,
        end=end,
        lines=account.document_lines(patient, charges),
        diagnoses=account.diagnoses(charges),
        payments=_payment_lines(payments),
        charged=charged,
        paid=paid,
        balance=account.balance(patient).balance,
        generated_at=timezone.now(),
    )
    _audit(actor=actor, username=username, patient=patient, what="superbill", start=start, end=end)
    return content


def receipt(
    *, actor: User | None, patient: Patient, start: date, end: date, username: str = ""
) -> bytes:
    """The paid services: payments (less reversals) received in the range, and the services."""
    check_range(start, end)
    payments = list(account.payments_in(patient, start, end))
    if not any(entry.kind == EntryKind.PAYMENT for entry in payments):
        raise DocumentUnavailable(
            f"No payments from {start.isoformat()} to {end.isoformat()}: nothing to receipt."
        )
    charges = list(account.charges(patient, start, end))
    paid = sum((entry.amount for entry in payments), Decimal("0.00"))
    content = pdf.receipt_pdf(
        party=_party(patient),
        start=start,
        end=end,
        lines=account.document_lines(patient, charges),
        payments=_payment_lines(payments),
        paid=paid,
        generated_at=timezone.now(),
    )
    _audit(
        actor=actor,
        username=username,
        patient=patient,
        what="hsa_fsa_receipt",
        start=start,
        end=end,
    )
    return content


def filename(kind: str, start: date, end: date) -> str:
    """No name or MRN in a file name: the kind and the dates only."""
    return f"{kind}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
