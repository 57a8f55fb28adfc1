"""Charges from completed work, payments (never edited: a mistake is reversed with a reason) and
billing notes. Each write checks BILLING_EDIT, changes the data and writes its audit row
(Category.BILLING) in one transaction, with the patient's row locked so two people generating
charges or recording payments at once never double-charge or lose an entry.

What is charged (openkap.clinical.charges gives a dosing session's code lines):
- a signed dosing session: the clinic's single-session price item for the plan's route and setting;
- an appointment marked done that is not a dosing session (preparation, integration, reassessment):
  the price item for its kind, with that item's codes;
- the signed evaluation (screening) a plan was made from: the evaluation price item.
Each at the price in force on the date of service (never rewritten by a later price change), with
the plan's indication as the ICD-10-CM diagnosis. Work without a price item, a price on that date or
a valid diagnosis is skipped and said so; nothing is charged twice (one charge per source)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import selectors
from openkap.billing.models import (
    BillingNote,
    BillingNoteKind,
    Charge,
    ChargeSource,
    ClinicBilling,
    EntryKind,
    EsketamineBilling,
    Payer,
    PaymentEntry,
    PaymentMethod,
    PriceItem,
)
from openkap.clinical import charges as charge_rules
from openkap.clinical import costs
from openkap.clinical.icd10 import Icd10Error, icd10_validate
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, AppointmentStatus, TreatmentPlan


@dataclass
class GenerateResult:
    created: list[Charge] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what was not charged, and why


def _item_for(clinic_id: int, service: str, route: str, setting: str) -> PriceItem | None:
    """The clinic's active single-session item: the setting's own before a setting-less one."""
    candidates = PriceItem.objects.filter(
        clinic_id=clinic_id, service=service, active=True, package_sessions__isnull=True
    )
    if service == "dosing":
        candidates = candidates.filter(route=route)
    for wanted in (setting, ""):
        item = candidates.filter(setting=wanted).order_by("name", "pk").first()
        if item is not None:
            return item
    return None


def _diagnosis(plan: TreatmentPlan) -> str:
    try:
        return icd10_validate(plan.indication_code)
    except Icd10Error as error:
        raise ValidationError(f"The plan's indication is not billable: {error}.") from None


def _make(
    *,
    actor: User,
    patient: Patient,
    payer: Payer | None,
    source: str,
    on: date,
    service: str,
    plan: TreatmentPlan,
    label: str,
    route: str = "",
    session: DosingSession | None = None,
    appointment: Appointment | None = None,
    screening_id: int | None = None,
    provider: User | None = None,
) -> Charge:
    item = _item_for(patient.clinic_id, service, route, plan.setting)
    if item is None:
        raise ValidationError(f"{label}: the price list has no single-session item for it.")
    price = selectors.price_in_force(item, on)
    if price is None:
        raise ValidationError(f"{label}: {item.name} had no price in force on {on.isoformat()}.")
    diagnosis = _diagnosis(plan)
    if session is not None:
        minutes = None
        if session.dose_started_at and session.dose_ended_at:
            minutes = int((session.dose_ended_at - session.dose_started_at).total_seconds() // 60)
        method = payer.esketamine_billing if payer else EsketamineBilling.BUNDLED
        try:
            lines = charge_rules.session_code_lines(
                route=plan.route,
                dose_mg=session.dose_mg,
                infusion_minutes=minutes,
                esketamine_method=method,
                item_codes=list(item.codes),
            )
        except charge_rules.ChargeRuleError as error:
            raise ValidationError(f"{label}: {error}") from None
    else:
        lines = [charge_rules.CodeLine(code, 1, "From the price list") for code in item.codes]
    return Charge.objects.create(
        patient=patient,
        date_of_service=on,
        source=source,
        appointment=appointment,
        session=session,
        screening_id=screening_id,
        item=item,
        price=price,
        description=item.name,
        quantity=1,
        unit_price=price.amount,
        amount=price.amount,
        currency=price.currency,
        codes=[{"code": line.code, "units": line.units, "why": line.why} for line in lines],
        rules_version=f"codes {costs.codes_version()}; rules {charge_rules.rules_version()}",
        diagnosis_code=diagnosis,
        payer=payer,
        payer_name=payer.name if payer else "None chosen (self-pay)",
        provider=provider,
        created_by=actor,
    )


@transaction.atomic
def charges_generate(*, actor: User, patient: Patient) -> GenerateResult:
    """Charge the patient's completed work that has no charge yet."""
    require_permission(actor, Permission.BILLING_EDIT, patient.clinic_id)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    payer, _ = selectors.payer_for(patient)
    result = GenerateResult()

    def attempt(**kwargs: object) -> None:
        try:
            with transaction.atomic():
                result.created.append(_make(actor=actor, patient=patient, payer=payer, **kwargs))  # type: ignore[arg-type]
        except ValidationError as error:
            result.skipped.append(" ".join(error.messages))

    sessions = (
        DosingSession.objects.filter(
            patient=patient, status=SessionStatus.SIGNED, charge__isnull=True
        )
        .select_related("plan", "appointment", "signed_by")
        .order_by("dose_started_at", "pk")
    )
    for session in sessions:
        started = session.dose_started_at or session.appointment.starts_at
        on = timezone.localdate(started)
        attempt(
            source=ChargeSource.DOSING_SESSION,
            on=on,
            service="dosing",
            plan=session.plan,
            label=f"Dosing session of {on.isoformat()}",
            route=session.plan.route,
            session=session,
            appointment=session.appointment,
            provider=session.signed_by,
        )
    appointments = (
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.DONE, charge__isnull=True
        )
        .exclude(kind=AppointmentKind.DOSING)
        .select_related("plan", "clinician")
        .order_by("starts_at", "pk")
    )
    for appointment in appointments:
        on = timezone.localdate(appointment.starts_at)
        attempt(
            source=ChargeSource.APPOINTMENT,
            on=on,
            service=appointment.kind,
            plan=appointment.plan,
            label=f"{appointment.get_kind_display()} of {on.isoformat()}",
            appointment=appointment,
            provider=appointment.clinician,
        )
    plans = (
        TreatmentPlan.objects.filter(
            patient=patient, screening__signed_at__isnull=False, screening__charge__isnull=True
        )
        .select_related("screening", "screening__signed_by")
        .order_by("pk")
    )
    seen: set[int] = set()
    for plan in plans:
        screening = plan.screening
        if screening.pk in seen or screening.signed_at is None:
            continue
        seen.add(screening.pk)
        on = timezone.localdate(screening.signed_at)
        attempt(
            source=ChargeSource.EVALUATION,
            on=on,
            service="evaluation",
            plan=plan,
            label=f"Evaluation of {on.isoformat()}",
            screening_id=screening.pk,
            provider=screening.signed_by,
        )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        patient=patient,
        object_type="charges",
        object_id=",".join(str(charge.pk) for charge in result.created)[:64],
        detail={"created": len(result.created), "skipped": len(result.skipped)},
    )
    return result


def patients_with_work(clinic: Clinic) -> list[Patient]:
    """The clinic's patients with a signed session, a done appointment or a signed evaluation
    that has no charge yet."""
    return list(
        Patient.objects.filter(clinic=clinic)
        .filter(
            Q(dosing_sessions__status=SessionStatus.SIGNED, dosing_sessions__charge__isnull=True)
            | Q(appointments__status=AppointmentStatus.DONE, appointments__charge__isnull=True)
            | Q(screenings__signed_at__isnull=False, screenings__charge__isnull=True)
        )
        .distinct()
        .order_by("mrn")
    )


def _amount(value: Decimal) -> Decimal:
    try:
        amount = costs.money(value, name="amount")
    except costs.CostError as error:
        raise ValidationError({"amount": str(error).split(": ", 1)[-1]}) from None
    if amount <= 0:
        raise ValidationError({"amount": "Must be more than zero."})
    return amount


@transaction.atomic
def payment_record(
    *,
    actor: User,
    patient: Patient,
    amount: Decimal,
    method: str,
    received_on: date,
    reference: str = "",
    kind: str = EntryKind.PAYMENT,
) -> PaymentEntry:
    """A payment received (or an insurance adjustment): it takes `amount` off the balance."""
    require_permission(actor, Permission.BILLING_EDIT, patient.clinic_id)
    errors: dict[str, str] = {}
    try:
        amount = _amount(amount)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if method not in PaymentMethod.values:
        errors["method"] = "Choose how it was paid."
    if kind not in (EntryKind.PAYMENT, EntryKind.ADJUSTMENT):
        errors["kind"] = "Choose a payment or an insurance adjustment."
    elif kind == EntryKind.ADJUSTMENT and method != PaymentMethod.INSURANCE:
        errors["method"] = "An insurance adjustment's method is insurance."
    if received_on > timezone.localdate():
        errors["received_on"] = "A payment cannot be received in the future."
    if errors:
        raise ValidationError(errors)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    entry = PaymentEntry.objects.create(
        patient=patient,
        kind=kind,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=reference.strip(),
        created_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        patient=patient,
        object_type="payment",
        object_id=entry.pk,
        detail={"kind": kind, "amount": str(amount), "method": method},
    )
    return entry


@transaction.atomic
def payment_reverse(*, actor: User, entry: PaymentEntry, reason: str) -> PaymentEntry:
    """Reverse a payment or adjustment recorded in error: a new entry for minus its amount."""
    require_permission(actor, Permission.BILLING_EDIT, entry.patient.clinic_id)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the payment is reversed."})
    Patient.objects.select_for_update().get(pk=entry.patient_id)
    entry = PaymentEntry.objects.get(pk=entry.pk)
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError("A reversal cannot itself be reversed: record a new payment.")
    if PaymentEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("This payment was already reversed.")
    reversal = PaymentEntry.objects.create(
        patient_id=entry.patient_id,
        kind=EntryKind.REVERSAL,
        received_on=timezone.localdate(),
        amount=-entry.amount,
        currency=entry.currency,
        method=entry.method,
        reference=entry.reference,
        reverses=entry,
        reason=reason.strip(),
        created_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        patient=entry.patient,
        object_type="payment_reversal",
        object_id=reversal.pk,
        detail={"reverses": entry.pk, "amount": str(reversal.amount)},
    )
    return reversal


@transaction.atomic
def billing_note_add(*, actor: User, patient: Patient, kind: str, text: str) -> BillingNote:
    """A financing or sliding-scale note on the patient's billing page."""
    require_permission(actor, Permission.BILLING_EDIT, patient.clinic_id)
    errors: dict[str, str] = {}
    if kind not in BillingNoteKind.values:
        errors["kind"] = "Choose what the note is about."
    if not text.strip():
        errors["text"] = "Write the note."
    if errors:
        raise ValidationError(errors)
    note = BillingNote.objects.create(
        patient=patient, kind=kind, text=text.strip(), created_by=actor
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        patient=patient,
        object_type="billing_note",
        object_id=note.pk,
        detail={"kind": kind},
    )
    return note


def npi_is_valid(npi: str) -> bool:
    """10 digits whose last is the Luhn check digit of the others prefixed with 80840 (CMS)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


@transaction.atomic
def clinic_identifiers_set(*, clinic: Clinic, npi: str, tax_id: str) -> ClinicBilling:
    """The clinic's NPI and Tax ID for superbills (an operator's command; audited)."""
    npi, tax_id = npi.strip(), tax_id.strip()
    errors: dict[str, str] = {}
    if npi and not npi_is_valid(npi):
        errors["npi"] = "Not a valid NPI (10 digits with a check digit)."
    if tax_id and not re.fullmatch(r"\d{2}-\d{7}", tax_id):
        errors["tax_id"] = "An EIN is written NN-NNNNNNN."
    if errors:
        raise ValidationError(errors)
    identifiers, _ = ClinicBilling.objects.update_or_create(
        clinic=clinic, defaults={"npi": npi, "tax_id": tax_id}
    )
    audit_record(
        action=Action.UPDATE,
        category=Category.BILLING,
        actor=None,
        username="openkap billing identifiers",
        clinic=clinic,
        object_type="clinic_billing",
        object_id=identifiers.pk,
        detail={"npi": bool(npi), "tax_id": bool(tax_id)},
    )
    return identifiers
