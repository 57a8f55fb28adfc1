"""Reads of the price list, payers and estimates, and the plain data the estimate is computed from
(openkap.clinical.costs does the arithmetic; nothing here does sums)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.billing.models import (
    CodeDescriptor,
    CoverageRule,
    PatientPayer,
    Payer,
    PayerKind,
    Price,
    PriceItem,
    SavedEstimate,
)
from openkap.clinical import costs
from openkap.patients.models import Patient
from openkap.plans import protocols
from openkap.plans.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlan

# Appointments that will not happen are not in the estimate.
NOT_BILLED = (AppointmentStatus.CANCELLED, AppointmentStatus.MISSED)

DISCLAIMER = (
    "What a payer usually covers is the clinic's own information "
    "(its source is shown), not a statement of the patient's benefits and not asserted by OpenKAP: "
    "the patient's insurer decides what it pays."
)


def price_items(clinic: Clinic) -> QuerySet[PriceItem]:
    return PriceItem.objects.filter(clinic=clinic).order_by("service", "route", "name", "pk")


def price_history(item: PriceItem) -> list[Price]:
    return list(item.prices.select_related("created_by").order_by("-effective_from"))


def price_in_force(item: PriceItem, on: date) -> Price | None:
    return item.prices.filter(effective_from__lte=on).order_by("-effective_from").first()


def price_list(clinic: Clinic, on: date) -> list[tuple[PriceItem, Price | None, Price | None]]:
    """Each item with its price in force on the date and the next scheduled price (if any)."""
    rows = []
    for item in price_items(clinic).prefetch_related("prices"):
        prices = sorted(item.prices.all(), key=lambda p: p.effective_from)
        current = next((p for p in reversed(prices) if p.effective_from <= on), None)
        upcoming = next((p for p in prices if p.effective_from > on), None)
        rows.append((item, current, upcoming))
    return rows


def payers(clinic: Clinic) -> QuerySet[Payer]:
    return Payer.objects.filter(clinic=clinic).order_by("kind", "name")


def payer_coverage(payer: Payer) -> QuerySet[CoverageRule]:
    return payer.coverage.order_by("service", "route")


def descriptors(clinic: Clinic) -> dict[str, str]:
    return dict(CodeDescriptor.objects.filter(clinic=clinic).values_list("code", "descriptor"))


@dataclass(frozen=True)
class CodeShown:
    code: str
    system: str
    text: str  # HCPCS descriptor, the clinic's own CPT descriptor, or "" (number only)
    verified: bool
    note: str


def codes_shown(codes: list[str], clinic_descriptors: dict[str, str]) -> list[CodeShown]:
    """Codes as they may be shown: CPT by number unless the clinic loaded its own descriptor."""
    shown = []
    known = costs.billing_codes()
    for code in codes:
        entry = known.get(code)
        if entry is None:
            shown.append(CodeShown(code, "?", "Not in the codes file", False, ""))
            continue
        text = entry.descriptor if entry.system == "HCPCS" else clinic_descriptors.get(code, "")
        shown.append(CodeShown(code, entry.system, text, entry.verified, entry.note))
    return shown


def suggested_payer(patient: Patient) -> Payer | None:
    """The payer the patient's registered insurance matches (name or one of its match names), or the
    clinic's self-pay payer when none is registered."""
    clinic_payers = list(payers(patient.clinic).filter(active=True))
    text = patient.insurance_payer.strip().casefold()
    if not text:
        return next((p for p in clinic_payers if p.kind == PayerKind.SELF_PAY), None)
    for payer in clinic_payers:
        names = {payer.name.casefold()} | {
            line.strip().casefold() for line in payer.match_names.splitlines() if line.strip()
        }
        if text in names:
            return payer
    return None


def payer_for(patient: Patient) -> tuple[Payer | None, bool]:
    """(the patient's payer, whether a person chose it) — chosen by front desk or billing, else
    suggested from the registration."""
    chosen = PatientPayer.objects.select_related("payer").filter(patient=patient).first()
    if chosen is not None:
        return chosen.payer, True
    return suggested_payer(patient), False


def current_plan(patient: Patient) -> TreatmentPlan | None:
    """The open plan (draft or active), else the newest one."""
    plans = TreatmentPlan.objects.filter(patient=patient).order_by("-created_at", "-pk")
    return plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]).first() or plans.first()


class NoSchedule(LookupError):
    """A draft plan whose protocol schedule cannot be read."""


def plan_appointment_kinds(plan: TreatmentPlan) -> tuple[list[str], str]:
    """The kinds of the plan's sessions and where they came from: the appointments once the plan is
    activated (those cancelled or missed left out), the protocol's schedule while it is a draft."""
    if plan.status == PlanStatus.DRAFT:
        try:
            events = protocols.real_schedule(plan.protocol_id, plan.sessions)
        except (protocols.ProtocolUnavailable, KeyError, ValueError) as error:
            raise NoSchedule(f"The protocol's schedule is not available: {error}") from None
        return [event.kind for event in events], (
            f"The schedule of the protocol “{plan.protocol_name}” (the plan is a draft)."
        )
    kinds = list(
        Appointment.objects.filter(plan=plan)
        .exclude(status__in=NOT_BILLED)
        .values_list("kind", flat=True)
    )
    return kinds, "The plan's appointments (cancelled and missed ones left out)."


def priced_on(plan: TreatmentPlan) -> date:
    """Prices in force when the plan starts (today for a plan that has started)."""
    return max(timezone.localdate(), plan.start_date)


def offers(clinic: Clinic, on: date) -> tuple[list[costs.Offer], dict[str, Price]]:
    found: list[costs.Offer] = []
    used: dict[str, Price] = {}
    for item, price, _ in price_list(clinic, on):
        if not item.active or price is None:
            continue
        used[str(item.pk)] = price
        found.append(
            costs.Offer(
                item_id=str(item.pk),
                name=item.name,
                service=item.service,
                unit_price=price.amount,
                route=item.route,
                setting=item.setting,
                package_sessions=item.package_sessions,
                codes=tuple(item.codes),
                effective_from=price.effective_from,
            )
        )
    return found, used


def coverage_terms(payer: Payer | None) -> list[costs.CoverageTerm]:
    if payer is None:
        return []
    return [
        costs.CoverageTerm(
            service=rule.service,
            method=rule.method,
            route=rule.route,
            copay=rule.copay,
            coinsurance_percent=rule.coinsurance_percent,
            note=rule.note,
        )
        for rule in payer_coverage(payer)
    ]


@dataclass
class PlanEstimate:
    plan: TreatmentPlan
    payer: Payer | None
    payer_chosen: bool
    priced_on: date
    estimate: costs.Estimate
    prices_used: dict[str, Price]
    assumptions: list[str] = field(default_factory=list)

    def snapshot(self) -> dict[str, Any]:
        data = self.estimate.as_dict()
        for row, line in zip(data["lines"], self.estimate.lines, strict=True):
            price = self.prices_used.get(line.item_id)
            row.update(
                {
                    "service": line.service,
                    "sessions": line.sessions,
                    "price_item_id": int(line.item_id),
                    "price_id": price.pk if price else None,
                    "price_effective_from": (
                        line.effective_from.isoformat() if line.effective_from else None
                    ),
                    "codes": list(line.codes),
                    "coverage_explanation": line.coverage_explanation,
                }
            )
        data.update(
            {
                "plan_id": self.plan.pk,
                "payer": self.payer.name if self.payer else "None chosen",
                "payer_information_source": self.payer.information_source if self.payer else "",
                "priced_on": self.priced_on.isoformat(),
                "choices": list(self.estimate.choices),
                "assumptions": self.assumptions,
                "codes_version": costs.codes_version(),
            }
        )
        return data


class EstimateUnavailable(Exception):
    """Why there is no estimate: no plan, no schedule, or a service without a price."""


def plan_estimate(patient: Patient, payer: Payer | None = None) -> PlanEstimate:
    """The estimate of the patient's current plan, with the given payer or the patient's own."""
    plan = current_plan(patient)
    if plan is None:
        raise EstimateUnavailable("The patient has no treatment plan.")
    chosen = True
    if payer is None:
        payer, chosen = payer_for(patient)
    try:
        kinds, source = plan_appointment_kinds(plan)
    except NoSchedule as error:
        raise EstimateUnavailable(str(error)) from None
    if not kinds:
        raise EstimateUnavailable("The plan has no sessions to estimate.")
    on = priced_on(plan)
    found, used = offers(patient.clinic, on)
    try:
        needs = costs.needs_from_appointments(kinds, route=plan.route, setting=plan.setting)
        result = costs.estimate(needs=needs, offers=found, coverage=coverage_terms(payer))
    except costs.CostError as error:
        raise EstimateUnavailable(str(error)) from None
    assumptions = [
        f"Sessions: {source}",
        f"Prices: the clinic's prices in force on {on.isoformat()}.",
        (
            f"Payer: {payer.name} ({'chosen by the clinic' if chosen else 'suggested from the registration'}); "
            f"coverage as the clinic recorded it — source: {payer.information_source}"
            if payer
            else "Payer: none chosen, so no coverage is expected (the patient pays every line)."
        ),
        "Not included: the initial evaluation already done, medicines bought at a pharmacy, "
        "deductibles not yet met, and sessions added later.",
    ]
    return PlanEstimate(
        plan=plan,
        payer=payer,
        payer_chosen=chosen,
        priced_on=on,
        estimate=result,
        prices_used=used,
        assumptions=assumptions,
    )


def saved_estimates(patient: Patient) -> QuerySet[SavedEstimate]:
    return (
        SavedEstimate.objects.filter(patient=patient)
        .select_related("created_by", "plan")
        .order_by("-created_at", "-pk")
    )


def estimate_given(patient: Patient) -> SavedEstimate | None:
    """The newest estimate the clinic saved for the patient's current plan (what the portal shows)."""
    plan = current_plan(patient)
    if plan is None:
        return None
    return saved_estimates(patient).filter(plan=plan).first()
