"""Writing the controlled-substance ledger. Every write checks permission, appends and audits in one
transaction. Entries are never updated or deleted: a correction is a new entry naming the one it
corrects, with a reason.

Draws (administration, waste, transfer out, loss) lock the lot's row first, so two people drawing
from one lot at once are served one after the other and can never take it below zero. A refused
draw is kept (RefusedDraw) and audited, for the reconciliation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, require_permission, user_can
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.inventory.models import (
    OUTGOING,
    DeaRegistration,
    EntryKind,
    LedgerEntry,
    Lot,
    Product,
    RefusedDraw,
)
from openkap.patients.models import Patient

RULES_PATH = Path(__file__).with_name("rules.toml")
ZERO = Decimal(0)


@cache
def rules() -> dict[str, Any]:
    with RULES_PATH.open("rb") as handle:
        return tomllib.load(handle)


class InsufficientStock(ValidationError):
    """The draw would make the lot's balance negative; nothing was recorded."""

    def __init__(self, *, balance: Decimal, amount: Decimal) -> None:
        super().__init__(
            {
                "amount_mg": f"Only {balance} mg is left in this lot; {amount} mg cannot be "
                "taken from it. Nothing was recorded."
            }
        )
        self.balance = balance
        self.amount = amount


class LedgerIsAppendOnly(PermissionDenied):
    """Ledger entries are never changed or removed: record a correcting entry instead."""


def entry_change(*, entry: LedgerEntry, **changes: object) -> None:
    """There is no way to change an entry: this refuses, always (the database refuses it too)."""
    raise LedgerIsAppendOnly("Ledger entries cannot be changed; record a correction with a reason.")


def entry_delete(*, entry: LedgerEntry) -> None:
    raise LedgerIsAppendOnly("Ledger entries cannot be deleted; record a correction with a reason.")


def _audit(
    actor: User,
    clinic: Clinic,
    action: Action,
    object_type: str,
    object_id: object,
    detail: dict[str, Any],
    patient: Patient | None = None,
) -> None:
    audit_record(
        action=action,
        category=Category.CONTROLLED_SUBSTANCES,
        actor=actor,
        clinic=clinic,
        patient=patient,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _positive(value: Decimal | None, field: str) -> Decimal:
    if value is None or value <= ZERO:
        raise ValidationError({field: "Give an amount greater than zero."})
    return value


def lot_balance(lot: Lot) -> Decimal:
    """The lot's balance: the sum of its entries, computed by the database."""
    total = LedgerEntry.objects.filter(lot=lot).aggregate(total=Sum("amount_mg"))["total"]
    return total if total is not None else ZERO


def verify_witness(
    *,
    actor: User,
    clinic: Clinic,
    witness: User | None,
    password: str,
    request: HttpRequest | None,
) -> User:
    """The witness is another active clinical staff member of the clinic who gives their own
    password now. A wrong password is refused and audited (and counts towards their lockout)."""
    if witness is None:
        raise ValidationError({"witness": "A witness is required."})
    if witness.pk == actor.pk:
        raise ValidationError({"witness": "The witness must be someone else."})
    if not user_can(witness, Permission.CS_RECORD, clinic.pk):
        raise ValidationError(
            {"witness": "The witness must be an active nurse or prescriber of this clinic."}
        )
    if request is None:
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
    if not user_reauthenticate(request=request, user=witness, password=password):
        _audit(
            actor,
            clinic,
            Action.ACCESS_DENIED,
            "witness",
            witness.pk,
            {"reason": "witness password refused"},
        )
        raise ValidationError({"witness_password": "The witness's password is not right."})
    return witness


def _lock_lot(lot: Lot) -> Lot:
    # Serialises every append to this lot (PostgreSQL row lock; SQLite writers are already serial).
    return Lot.objects.select_for_update().get(pk=lot.pk)


def _check_lot(lot: Lot, clinic: Clinic) -> None:
    if lot.clinic_id != clinic.pk:
        raise ValidationError({"lot": "This lot is not held by this clinic."})


@dataclass(frozen=True)
class _Refusal:
    lot: Lot
    kind: str
    amount: Decimal
    balance: Decimal


def _refuse(actor: User, clinic: Clinic, refusal: _Refusal) -> None:
    """Outside the rolled-back transaction: keep and audit the refused draw, then raise."""
    with transaction.atomic():
        refused = RefusedDraw.objects.create(
            clinic=clinic,
            lot=refusal.lot,
            kind=refusal.kind,
            amount_mg=refusal.amount,
            balance_mg=refusal.balance,
            attempted_at=timezone.now(),
            attempted_by=actor,
        )
        _audit(
            actor,
            clinic,
            Action.ACCESS_DENIED,
            "refused_draw",
            refused.pk,
            {"kind": refusal.kind, "lot": refusal.lot.pk, "reason": "balance would be negative"},
        )
    raise InsufficientStock(balance=refusal.balance, amount=refusal.amount)


def _append(
    actor: User, clinic: Clinic, *, patient: Patient | None = None, **fields: Any
) -> LedgerEntry:
    now = timezone.now()
    fields.setdefault("occurred_at", now)
    entry = LedgerEntry(
        clinic=clinic, recorded_by=actor, recorded_at=now, patient=patient, **fields
    )
    entry.full_clean()
    entry.save(force_insert=True)
    _audit(
        actor,
        clinic,
        Action.CREATE,
        "ledger_entry",
        entry.pk,
        {"kind": entry.kind, "lot": entry.lot_id, "amount_mg": str(entry.amount_mg)},
        patient=patient,
    )
    return entry


def _draw(
    actor: User, clinic: Clinic, lot: Lot, entries: list[dict[str, Any]], patient: Patient | None
) -> list[LedgerEntry]:
    """Append outgoing entries under the lot's lock, or refuse them all if stock is short."""
    _check_lot(lot, clinic)
    refusal: _Refusal | None = None
    created: list[LedgerEntry] = []
    with transaction.atomic():
        locked = _lock_lot(lot)
        balance = lot_balance(locked)
        taken = sum((-fields["amount_mg"] for fields in entries), ZERO)
        if taken > balance:
            refusal = _Refusal(locked, str(entries[0]["kind"]), taken, balance)
        else:
            created = [_append(actor, clinic, lot=locked, patient=patient, **f) for f in entries]
    if refusal is not None:
        _refuse(actor, clinic, refusal)
    return created


# --- Registration and products ---------------------------------------------------------------------


def registration_set(
    *, actor: User, clinic: Clinic, number: str, schedules: str, expires_on: date
) -> DeaRegistration:
    require_permission(actor, Permission.CS_MANAGE, clinic.pk)
    with transaction.atomic():
        registration = DeaRegistration.objects.filter(clinic=clinic).first() or DeaRegistration(
            clinic=clinic
        )
        created = registration.pk is None
        registration.number = number.strip().upper()
        registration.schedules = schedules.strip()
        registration.expires_on = expires_on
        registration.full_clean()
        registration.save()
        _audit(
            actor,
            clinic,
            Action.CREATE if created else Action.UPDATE,
            "dea_registration",
            registration.pk,
            {"fields": ["number", "schedules", "expires_on"]},
        )
    return registration


def product_add(*, actor: User, clinic: Clinic, **fields: Any) -> Product:
    require_permission(actor, Permission.CS_MANAGE, clinic.pk)
    with transaction.atomic():
        product = Product(clinic=clinic, **fields)
        _positive(product.mg_per_container, "mg_per_container")
        product.full_clean()
        product.save()
        _audit(actor, clinic, Action.CREATE, "product", product.pk, {"name": product.name})
    return product


# --- Entries -----------------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def ledger_receive(
    *,
    actor: User,
    clinic: Clinic,
    product: Product,
    lot_number: str,
    expires_on: date,
    containers: Decimal,
    invoice_number: str,
    supplier_name: str,
    supplier_dea: str,
    supplier_address: str = "",
    received_on: date,
    kind: str = EntryKind.RECEIPT,
) -> LedgerEntry:
    """A receipt from a supplier (or a transfer in from another registrant, kind=transfer_in)."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    if product.clinic_id != clinic.pk:
        raise ValidationError({"product": "This product is not stocked by this clinic."})
    containers = _positive(containers, "containers")
    errors: dict[str, str] = {}
    if not lot_number.strip():
        errors["lot_number"] = "Give the lot number."
    if not invoice_number.strip():
        errors["invoice_number"] = "Give the invoice or order number."
    if not supplier_name.strip():
        errors["supplier_name"] = "Give the supplier's name."
    if len(supplier_dea.strip()) != 9:
        errors["supplier_dea"] = "Give the supplier's 9-character DEA number."
    if received_on > timezone.localdate():
        errors["received_on"] = "The date received cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot, _ = Lot.objects.get_or_create(
            clinic=clinic,
            product=product,
            lot_number=lot_number.strip(),
            defaults={"expires_on": expires_on},
        )
        if lot.expires_on != expires_on:
            raise ValidationError(
                {"expires_on": f"Lot {lot.lot_number} is on record as expiring {lot.expires_on}."}
            )
        locked = _lock_lot(lot)
        return _append(
            actor,
            clinic,
            lot=locked,
            kind=kind,
            occurred_at=_at(received_on),
            amount_mg=containers * product.mg_per_container,
            containers=containers,
            invoice_number=invoice_number.strip(),
            counterparty_name=supplier_name.strip(),
            counterparty_address=supplier_address.strip(),
            counterparty_dea=supplier_dea.strip().upper(),
        )


def ledger_administer(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    wasted_mg: Decimal = ZERO,
    witness: User | None = None,
    session_ref: str,
    patient: Patient | None = None,
    witness_password: str = "",
    request: HttpRequest | None = None,
) -> LedgerEntry:
    """The dose given in a session, and the residue wasted (witnessed) if any. Both or neither."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    if wasted_mg < ZERO:
        raise ValidationError({"wasted_mg": "The amount wasted cannot be negative."})
    if not session_ref.strip():
        raise ValidationError({"session_ref": "Name the dosing session."})
    if patient is not None and patient.clinic_id != clinic.pk:
        raise ValidationError({"patient": "This patient is not a patient of this clinic."})
    entries: list[dict[str, Any]] = [
        {"kind": EntryKind.ADMINISTRATION, "amount_mg": -amount, "session_ref": session_ref}
    ]
    if wasted_mg > ZERO:
        verified = verify_witness(
            actor=actor, clinic=clinic, witness=witness, password=witness_password, request=request
        )
        entries.append(
            {
                "kind": EntryKind.WASTE,
                "amount_mg": -wasted_mg,
                "session_ref": session_ref,
                "witness": verified,
                "witnessed_at": timezone.now(),
                "reason": "Residue of the administered dose",
            }
        )
    return _draw(actor, clinic, lot, entries, patient)[0]


def ledger_waste(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    reason: str,
    witness: User | None,
    witness_password: str,
    request: HttpRequest | None = None,
    session_ref: str = "",
) -> LedgerEntry:
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    if not reason.strip():
        raise ValidationError({"reason": "Say how and why it was wasted."})
    verified = verify_witness(
        actor=actor, clinic=clinic, witness=witness, password=witness_password, request=request
    )
    fields = {
        "kind": EntryKind.WASTE,
        "amount_mg": -amount,
        "reason": reason.strip(),
        "witness": verified,
        "witnessed_at": timezone.now(),
        "session_ref": session_ref,
    }
    return _draw(actor, clinic, lot, [fields], None)[0]


def ledger_transfer_out(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    registrant_name: str,
    registrant_dea: str,
    registrant_address: str = "",
    invoice_number: str,
    transferred_on: date,
) -> LedgerEntry:
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    errors: dict[str, str] = {}
    if not registrant_name.strip():
        errors["registrant_name"] = "Name the registrant receiving it."
    if len(registrant_dea.strip()) != 9:
        errors["registrant_dea"] = "Give the receiving registrant's 9-character DEA number."
    if not invoice_number.strip():
        errors["invoice_number"] = "Give the invoice or transfer record number."
    if errors:
        raise ValidationError(errors)
    fields = {
        "kind": EntryKind.TRANSFER_OUT,
        "amount_mg": -amount,
        "occurred_at": _at(transferred_on),
        "counterparty_name": registrant_name.strip(),
        "counterparty_dea": registrant_dea.strip().upper(),
        "counterparty_address": registrant_address.strip(),
        "invoice_number": invoice_number.strip(),
    }
    return _draw(actor, clinic, lot, [fields], None)[0]


def ledger_dispense_home(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    units: Decimal,
    patient: Patient,
    dispensed_on: date,
    reason: str,
) -> LedgerEntry:
    """Doses handed over or shipped to a patient for home use (openkap/athome): out of the lot,
    refused like any draw if the lot is short. `units` = tablets or troches."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    units = _positive(units, "units")
    errors: dict[str, str] = {}
    if patient.clinic_id != clinic.pk:
        errors["patient"] = "This patient is not a patient of this clinic."
    if dispensed_on > timezone.localdate():
        errors["dispensed_on"] = "The date dispensed cannot be in the future."
    if not reason.strip():
        errors["reason"] = "Say how it was handed over or shipped."
    if errors:
        raise ValidationError(errors)
    fields = {
        "kind": EntryKind.DISPENSED_HOME,
        "amount_mg": -amount,
        "containers": units,
        "occurred_at": _at(dispensed_on),
        "reason": reason.strip(),
    }
    return _draw(actor, clinic, lot, [fields], patient)[0]


def ledger_return_destroy(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    patient: Patient,
    reason: str,
    witness: User | None,
    witness_password: str,
    request: HttpRequest | None = None,
) -> tuple[LedgerEntry, LedgerEntry]:
    """Leftover home doses a patient gives back: recorded in (kind returned) and destroyed at once
    by a witnessed waste entry, so they never rejoin the stock. Both or neither."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    _check_lot(lot, clinic)
    if patient.clinic_id != clinic.pk:
        raise ValidationError({"patient": "This patient is not a patient of this clinic."})
    if not reason.strip():
        raise ValidationError({"reason": "Say how the leftovers were destroyed."})
    verified = verify_witness(
        actor=actor, clinic=clinic, witness=witness, password=witness_password, request=request
    )
    with transaction.atomic():
        locked = _lock_lot(lot)
        returned = _append(
            actor,
            clinic,
            lot=locked,
            patient=patient,
            kind=EntryKind.RETURNED,
            amount_mg=amount,
            reason="Leftover home doses returned by the patient",
        )
        destroyed = _append(
            actor,
            clinic,
            lot=locked,
            patient=patient,
            kind=EntryKind.WASTE,
            amount_mg=-amount,
            reason=reason.strip(),
            witness=verified,
            witnessed_at=timezone.now(),
        )
    return returned, destroyed


def next_business_day(day: date, business_days: int) -> date:
    """Monday to Friday (federal holidays are not known here: see rules.toml)."""
    current = day
    remaining = business_days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def ledger_report_loss(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    amount_mg: Decimal,
    discovered_on: date,
    reason: str,
) -> LedgerEntry:
    """A theft or significant loss, with its notice deadlines (rules.toml, 21 CFR 1301.76(b))."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    amount = _positive(amount_mg, "amount_mg")
    if not reason.strip():
        raise ValidationError({"reason": "Describe what was lost or stolen and how it was found."})
    if discovered_on > timezone.localdate():
        raise ValidationError({"discovered_on": "The discovery date cannot be in the future."})
    fields = {
        "kind": EntryKind.LOSS,
        "amount_mg": -amount,
        "reason": reason.strip(),
        "discovered_on": discovered_on,
        "notice_due_on": next_business_day(
            discovered_on, int(rules()["theft_loss_notice"]["business_days"])
        ),
        "form_106_due_on": discovered_on + timedelta(days=int(rules()["form_106"]["days"])),
    }
    return _draw(actor, clinic, lot, [fields], None)[0]


def ledger_count(
    *,
    actor: User,
    clinic: Clinic,
    lot: Lot,
    counted_mg: Decimal,
    witness: User | None = None,
    witness_password: str = "",
    request: HttpRequest | None = None,
) -> LedgerEntry:
    """A physical count of a lot: kept with the derived balance at that moment. A difference is
    a discrepancy flagged for reconciliation; it does not change the balance (a correction does)."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    _check_lot(lot, clinic)
    if counted_mg is None or counted_mg < ZERO:
        raise ValidationError({"counted_mg": "Give the amount counted (0 or more)."})
    verified = (
        verify_witness(
            actor=actor, clinic=clinic, witness=witness, password=witness_password, request=request
        )
        if witness is not None
        else None
    )
    with transaction.atomic():
        locked = _lock_lot(lot)
        return _append(
            actor,
            clinic,
            lot=locked,
            kind=EntryKind.COUNT,
            amount_mg=ZERO,
            counted_mg=counted_mg,
            expected_mg=lot_balance(locked),
            witness=verified,
            witnessed_at=timezone.now() if verified else None,
        )


def ledger_correct(
    *, actor: User, clinic: Clinic, entry: LedgerEntry, amount_mg: Decimal, reason: str
) -> LedgerEntry:
    """A correcting entry: `amount_mg` is the signed change to the lot (e.g. +5 when 5 mg too much
    was recorded as given). The original stays as it was."""
    require_permission(actor, Permission.CS_RECORD, clinic.pk)
    if entry.clinic_id != clinic.pk:
        raise ValidationError({"entry": "This entry is not in this clinic's ledger."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the correction."})
    if amount_mg == ZERO and entry.kind != EntryKind.COUNT:
        raise ValidationError({"amount_mg": "Give the change in mg (+ or -)."})
    fields: dict[str, Any] = {
        "kind": EntryKind.CORRECTION,
        "amount_mg": amount_mg,
        "reason": reason.strip(),
        "corrects": entry,
    }
    if amount_mg < ZERO:
        return _draw(actor, clinic, entry.lot, [fields], None)[0]
    with transaction.atomic():
        locked = _lock_lot(entry.lot)
        return _append(actor, clinic, lot=locked, **fields)


def entry_kinds_outgoing() -> frozenset[str]:
    return frozenset(str(kind) for kind in OUTGOING)
