"""Writes of the price list, payers and coverage (PRICES_MANAGE), a patient's payer and their saved
estimates (BILLING_EDIT). Each checks permission, changes the data and writes its audit row
(Category.BILLING) in one transaction. A price is never edited: a change is a new price with a later
effective date, so what an estimate used stays true."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import selectors
from openkap.billing.models import (
    CodeDescriptor,
    CoverageMethod,
    CoverageRule,
    EsketamineBilling,
    PatientPayer,
    Payer,
    Price,
    PriceItem,
    SavedEstimate,
    Service,
)
from openkap.clinical import costs
from openkap.patients.models import Patient


def _check_codes(codes: list[str]) -> list[str]:
    known = costs.billing_codes()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({"codes": f"Not in the billing codes file: {', '.join(unknown)}."})
    return list(dict.fromkeys(codes))


@transaction.atomic
def price_item_create(
    *,
    actor: User,
    clinic: Clinic,
    name: str,
    service: str,
    route: str = "",
    setting: str = "",
    package_sessions: int | None = None,
    codes: list[str] | None = None,
    description: str = "",
    amount: Decimal,
    effective_from: date,
) -> PriceItem:
    require_permission(actor, Permission.PRICES_MANAGE, clinic.pk)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "A name is required."
    elif PriceItem.objects.filter(clinic=clinic, name=name.strip()).exists():
        errors["name"] = "The price list already has an item of this name."
    if service not in Service.values:
        errors["service"] = "Choose a service."
    if route and service != Service.DOSING:
        errors["route"] = "A route applies to dosing sessions only."
    if package_sessions is not None and package_sessions < 2:
        errors["package_sessions"] = "A package holds at least 2 sessions (leave empty for one)."
    if errors:
        raise ValidationError(errors)
    item = PriceItem.objects.create(
        clinic=clinic,
        name=name.strip(),
        service=service,
        route=route,
        setting=setting,
        package_sessions=package_sessions,
        codes=_check_codes(codes or []),
        description=description,
        created_by=actor,
    )
    price = _price_add(actor=actor, item=item, amount=amount, effective_from=effective_from)
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        clinic=clinic,
        object_type="price_item",
        object_id=item.pk,
        detail={"price": str(price.amount), "effective_from": effective_from.isoformat()},
    )
    return item


def _price_add(
    *, actor: User, item: PriceItem, amount: Decimal, effective_from: date, note: str = ""
) -> Price:
    try:
        amount = costs.money(amount, name="amount")
    except costs.CostError as error:
        raise ValidationError({"amount": str(error).split(": ", 1)[-1]}) from None
    if effective_from < timezone.localdate():
        raise ValidationError(
            {"effective_from": "A price cannot start in the past: that would rewrite history."}
        )
    latest = item.prices.order_by("-effective_from").first()
    if latest is not None and effective_from <= latest.effective_from:
        raise ValidationError(
            {
                "effective_from": (
                    f"Must be after the latest price's date ({latest.effective_from.isoformat()}): "
                    "prices are never changed, a new one starts later."
                )
            }
        )
    return Price.objects.create(
        item=item, amount=amount, effective_from=effective_from, note=note, created_by=actor
    )


@transaction.atomic
def price_add(
    *, actor: User, item: PriceItem, amount: Decimal, effective_from: date, note: str = ""
) -> Price:
    """A new price for the item from effective_from (today or later, after its latest price)."""
    require_permission(actor, Permission.PRICES_MANAGE, item.clinic_id)
    item = PriceItem.objects.select_for_update().get(pk=item.pk)
    price = _price_add(
        actor=actor, item=item, amount=amount, effective_from=effective_from, note=note
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        clinic=item.clinic,
        object_type="price",
        object_id=price.pk,
        detail={
            "item": item.pk,
            "amount": str(price.amount),
            "effective_from": effective_from.isoformat(),
        },
    )
    return price


@transaction.atomic
def payer_create(
    *,
    actor: User,
    clinic: Clinic,
    name: str,
    kind: str,
    information_source: str,
    match_names: str = "",
    notes: str = "",
) -> Payer:
    require_permission(actor, Permission.PRICES_MANAGE, clinic.pk)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "A name is required."
    elif Payer.objects.filter(clinic=clinic, name=name.strip()).exists():
        errors["name"] = "The clinic already has a payer of this name."
    if not information_source.strip():
        errors["information_source"] = "Say where the clinic got its coverage information."
    if errors:
        raise ValidationError(errors)
    payer = Payer.objects.create(
        clinic=clinic,
        name=name.strip(),
        kind=kind,
        information_source=information_source.strip(),
        match_names=match_names,
        notes=notes,
        updated_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        clinic=clinic,
        object_type="payer",
        object_id=payer.pk,
        detail={"name": payer.name, "kind": kind},
    )
    return payer


@transaction.atomic
def payer_update(
    *,
    actor: User,
    payer: Payer,
    expected_version: int,
    information_source: str,
    match_names: str,
    notes: str,
    active: bool,
    esketamine_billing: str | None = None,
) -> Payer:
    require_permission(actor, Permission.PRICES_MANAGE, payer.clinic_id)
    payer = Payer.objects.select_for_update().get(pk=payer.pk)
    if payer.version != expected_version:
        raise ValidationError(
            "Someone else changed this payer while you were editing: reload and try again."
        )
    if not information_source.strip():
        raise ValidationError(
            {"information_source": "Say where the clinic got its coverage information."}
        )
    payer.information_source = information_source.strip()
    payer.match_names = match_names
    payer.notes = notes
    payer.active = active
    if esketamine_billing is not None:
        if esketamine_billing not in EsketamineBilling.values:
            raise ValidationError({"esketamine_billing": "Choose how esketamine is billed."})
        payer.esketamine_billing = esketamine_billing
    payer.version += 1
    payer.updated_by = actor
    payer.save()
    audit_record(
        action=Action.UPDATE,
        category=Category.BILLING,
        actor=actor,
        clinic=payer.clinic,
        object_type="payer",
        object_id=payer.pk,
        detail={"version": payer.version, "esketamine_billing": payer.esketamine_billing},
    )
    return payer


@transaction.atomic
def coverage_set(
    *,
    actor: User,
    payer: Payer,
    service: str,
    route: str,
    method: str,
    copay: Decimal | None = None,
    coinsurance_percent: Decimal | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> CoverageRule:
    """Record (or replace) what the payer usually covers for a service (and route). With
    expected_version (the payer's version the person saw), a change made meanwhile is refused."""
    require_permission(actor, Permission.PRICES_MANAGE, payer.clinic_id)
    payer = Payer.objects.select_for_update().get(pk=payer.pk)
    if expected_version is not None and payer.version != expected_version:
        raise ValidationError(
            "Someone else changed this payer while you were editing: reload and try again."
        )
    errors: dict[str, str] = {}
    if service not in Service.values:
        errors["service"] = "Choose a service."
    if route and service != Service.DOSING:
        errors["route"] = "A route applies to dosing sessions only."
    if method not in CoverageMethod.values:
        errors["method"] = "Choose how it is covered."
    if method == CoverageMethod.COPAY:
        if copay is None:
            errors["copay"] = "Give the copay per session."
        elif copay < 0:
            errors["copay"] = "Must be zero or more."
    if method == CoverageMethod.COINSURANCE and (
        coinsurance_percent is None or not 0 <= coinsurance_percent <= 100
    ):
        errors["coinsurance_percent"] = "Give the patient's share, between 0 and 100."
    if errors:
        raise ValidationError(errors)
    rule, created = CoverageRule.objects.update_or_create(
        payer=payer,
        service=service,
        route=route,
        defaults={
            "method": method,
            "copay": copay if method == CoverageMethod.COPAY else None,
            "coinsurance_percent": (
                coinsurance_percent if method == CoverageMethod.COINSURANCE else None
            ),
            "note": note,
            "updated_by": actor,
        },
    )
    payer.version += 1
    payer.updated_by = actor
    payer.save(update_fields=["version", "updated_by", "updated_at"])
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        category=Category.BILLING,
        actor=actor,
        clinic=payer.clinic,
        object_type="coverage_rule",
        object_id=rule.pk,
        detail={"payer": payer.pk, "service": service, "route": route, "method": method},
    )
    return rule


@transaction.atomic
def patient_payer_set(*, actor: User, patient: Patient, payer: Payer) -> PatientPayer:
    """Map the patient's registered insurance to one of the clinic's payers."""
    require_permission(actor, Permission.BILLING_EDIT, patient.clinic_id)
    if payer.clinic_id != patient.clinic_id:
        raise ValidationError({"payer": "Choose one of this clinic's payers."})
    link, _ = PatientPayer.objects.update_or_create(
        patient=patient,
        defaults={"payer": payer, "registered_as": patient.insurance_payer, "set_by": actor},
    )
    audit_record(
        action=Action.UPDATE,
        category=Category.BILLING,
        actor=actor,
        patient=patient,
        object_type="patient_payer",
        object_id=link.pk,
        detail={"payer": payer.pk},
    )
    return link


@transaction.atomic
def estimate_save(*, actor: User, patient: Patient) -> SavedEstimate:
    """Save the current plan's estimate as the one given to the patient (shown in the portal)."""
    require_permission(actor, Permission.BILLING_EDIT, patient.clinic_id)
    try:
        result = selectors.plan_estimate(patient)
    except selectors.EstimateUnavailable as error:
        raise ValidationError(str(error)) from None
    saved = SavedEstimate.objects.create(
        patient=patient,
        plan=result.plan,
        payer=result.payer,
        payer_name=result.payer.name if result.payer else "None chosen",
        priced_on=result.priced_on,
        total=result.estimate.total,
        patient_total=result.estimate.patient_total,
        currency=result.estimate.currency,
        snapshot=result.snapshot(),
        created_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.BILLING,
        actor=actor,
        patient=patient,
        object_type="cost_estimate",
        object_id=saved.pk,
        detail={"plan": result.plan.pk, "lines": len(result.estimate.lines)},
    )
    return saved


@transaction.atomic
def descriptors_load(*, actor: User | None, clinic: Clinic, rows: list[tuple[str, str]]) -> int:
    """Load (or replace) the clinic's own code descriptors, e.g. from its CPT licence."""
    if actor is not None:
        require_permission(actor, Permission.PRICES_MANAGE, clinic.pk)
    known = costs.billing_codes()
    count = 0
    for code, text in rows:
        code, text = code.strip(), text.strip()
        if not code or not text:
            continue
        if code not in known:
            raise ValidationError(f"Code {code} is not in the billing codes file.")
        CodeDescriptor.objects.update_or_create(
            clinic=clinic, code=code, defaults={"descriptor": text}
        )
        count += 1
    audit_record(
        action=Action.UPDATE,
        category=Category.BILLING,
        actor=actor,
        username="" if actor else "openkap billing",
        clinic=clinic,
        object_type="code_descriptors",
        detail={"count": count},
    )
    return count
