"""Reads of a patient's account: charges, payments and the balance (charges - payments -
insurance adjustments + reversals), and what a superbill or an HSA/FSA receipt shows. Sums are
done by the database on Decimal columns; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from openkap.billing import selectors
from openkap.billing.models import BillingNote, Charge, ClinicBilling, EntryKind, PaymentEntry
from openkap.billing.pdf import Diagnosis, DocumentLine
from openkap.clinical.icd10 import icd10_description
from openkap.patients.models import Patient

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    charged: Decimal
    paid: Decimal  # payments less their reversals
    adjusted: Decimal  # insurance adjustments less their reversals
    balance: Decimal  # what the patient owes; negative = a credit


def charges(
    patient: Patient, start: date | None = None, end: date | None = None
) -> QuerySet[Charge]:
    rows = Charge.objects.filter(patient=patient)
    if start is not None:
        rows = rows.filter(date_of_service__gte=start)
    if end is not None:
        rows = rows.filter(date_of_service__lte=end)
    return rows.select_related("provider", "item").order_by("date_of_service", "pk")


def entries(
    patient: Patient, start: date | None = None, end: date | None = None
) -> QuerySet[PaymentEntry]:
    rows = PaymentEntry.objects.filter(patient=patient)
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    return rows.select_related("reverses", "created_by").order_by("received_on", "pk")


def payments_in(
    patient: Patient, start: date | None = None, end: date | None = None
) -> QuerySet[PaymentEntry]:
    """What the patient paid: payments and the reversals of payments (negative), never insurance
    adjustments or their reversals, as balance() counts them."""
    return entries(patient, start, end).filter(
        Q(kind=EntryKind.PAYMENT) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT)
    )


def _sum(rows: QuerySet[PaymentEntry] | QuerySet[Charge]) -> Decimal:
    total = rows.aggregate(total=Sum("amount"))["total"]
    return Decimal(total).quantize(Decimal("0.01")) if total is not None else ZERO


def balance(patient: Patient) -> Balance:
    charged = _sum(Charge.objects.filter(patient=patient))
    entry_rows = PaymentEntry.objects.filter(patient=patient)
    paid = _sum(entry_rows.filter(kind=EntryKind.PAYMENT)) + _sum(
        entry_rows.filter(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT)
    )
    adjusted = _sum(entry_rows.filter(kind=EntryKind.ADJUSTMENT)) + _sum(
        entry_rows.filter(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.ADJUSTMENT)
    )
    return Balance(charged=charged, paid=paid, adjusted=adjusted, balance=charged - paid - adjusted)


def notes(patient: Patient) -> QuerySet[BillingNote]:
    return (
        BillingNote.objects.filter(patient=patient)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def clinic_identifiers(clinic_id: int) -> ClinicBilling | None:
    return ClinicBilling.objects.filter(clinic_id=clinic_id).first()


def document_lines(patient: Patient, rows: list[Charge]) -> list[DocumentLine]:
    clinic_descriptors = selectors.descriptors(patient.clinic)
    lines = []
    for charge in rows:
        codes = [entry["code"] for entry in charge.codes]
        shown = {c.code: c.text for c in selectors.codes_shown(codes, clinic_descriptors)}
        lines.append(
            DocumentLine(
                date_of_service=charge.date_of_service,
                description=charge.description,
                provider=charge.provider.display_name() if charge.provider else "",
                codes=[
                    (e["code"], int(e["units"]), shown.get(e["code"], "")) for e in charge.codes
                ],
                diagnosis=charge.diagnosis_code,
                amount=charge.amount,
            )
        )
    return lines


def diagnoses(rows: list[Charge]) -> list[Diagnosis]:
    codes = sorted({charge.diagnosis_code for charge in rows})
    return [Diagnosis(code, icd10_description(code) or "") for code in codes]
