"""Cost estimates for a treatment plan, and the billing codes they name, as plain data. No Django.

A plan needs services (a preparation session, N dosing sessions by a route in a setting, integration
sessions, a reassessment). The clinic offers priced items: single sessions, and packages of N
sessions at a package price. A payer usually covers some services (as the clinic recorded it: not a
fact this module asserts), by a copay, a coinsurance share, in full or not at all. The estimate is:

    for each service the plan needs: the cheapest way to buy it from the price list (a package when
    the plan's count fits one, explained), minus the expected coverage,

giving lines {item, quantity, unit_price, expected_coverage, patient_pays}, their total and the
patient's total. Money is Decimal, rounded half-up to cents, never float. patient_pays is
quantity * unit_price - expected_coverage and never negative.

The billing codes (HCPCS/CPT numbers) live in knowledge/billing/codes.toml with their source and
verification; CPT descriptors are AMA-licensed and are not shipped (see that file).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

CODES_FILE = Path(__file__).resolve().parent / "knowledge" / "billing" / "codes.toml"

# What a price item or a coverage term is for: the plan's appointment kinds, plus the initial
# evaluation and psychotherapy sessions outside the plan's schedule.
SERVICES: tuple[str, ...] = (
    "evaluation",
    "preparation",
    "dosing",
    "integration",
    "psychotherapy",
    "reassessment",
)
SERVICE_LABELS: Mapping[str, str] = {
    "evaluation": "Initial evaluation",
    "preparation": "Preparation session",
    "dosing": "Dosing session",
    "integration": "Integration session",
    "psychotherapy": "Psychotherapy session",
    "reassessment": "Reassessment",
}
COVERAGE_METHODS: tuple[str, ...] = ("not_covered", "copay", "coinsurance", "covered")
CODE_SYSTEMS: tuple[str, ...] = ("HCPCS", "CPT")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class CostError(ValueError):
    """Input the estimate cannot use; the message names the field or the item."""


class MissingPrice(CostError):
    """The price list has no price for a service the plan needs."""

    def __init__(self, need: Need) -> None:
        super().__init__(f"No price for an item the plan needs: {describe_need(need)}.")
        self.need = need


# --- Billing codes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingCode:
    code: str
    system: str  # "HCPCS" or "CPT"
    descriptor: str  # HCPCS only (public); "" for CPT (AMA-licensed, never shipped)
    use: str
    source: str
    verified: bool
    note: str


@cache
def _codes() -> tuple[str, dict[str, BillingCode]]:
    data = tomllib.loads(CODES_FILE.read_text(encoding="utf-8"))
    return str(data["version"]), parse_codes(data.get("codes", {}))


def parse_codes(raw: Mapping[str, Any]) -> dict[str, BillingCode]:
    codes: dict[str, BillingCode] = {}
    for code, entry in raw.items():
        system = entry.get("system")
        if system not in CODE_SYSTEMS:
            raise CostError(f"Code {code}: system must be one of {', '.join(CODE_SYSTEMS)}.")
        descriptor = str(entry.get("descriptor", ""))
        if system == "CPT" and descriptor:
            raise CostError(f"Code {code}: CPT descriptors are AMA-licensed; ship the number only.")
        if not entry.get("source"):
            raise CostError(f"Code {code}: a source is required.")
        if not isinstance(entry.get("verified"), bool):
            raise CostError(f"Code {code}: verified must be true or false.")
        note = str(entry.get("note", ""))
        if not entry["verified"] and "[VERIFY" not in note:
            raise CostError(f"Code {code}: an unverified code needs a [VERIFY] note.")
        codes[str(code)] = BillingCode(
            code=str(code),
            system=str(system),
            descriptor=descriptor,
            use=str(entry.get("use", "")),
            source=str(entry["source"]),
            verified=bool(entry["verified"]),
            note=note,
        )
    return codes


def codes_version() -> str:
    return _codes()[0]


def billing_codes() -> Mapping[str, BillingCode]:
    return dict(_codes()[1])


def billing_code(code: str) -> BillingCode:
    try:
        return _codes()[1][code]
    except KeyError:
        raise CostError(f"Unknown billing code {code!r} (not in {CODES_FILE.name}).") from None


# --- Money ---------------------------------------------------------------------------------------


def money(value: Decimal | int | str, *, name: str = "amount") -> Decimal:
    """A non-negative amount with at most two decimal places, as a Decimal with exactly two."""
    if isinstance(value, float):
        raise CostError(f"{name}: money is never a float.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise CostError(f"{name}: {value!r} is not an amount.") from None
    if not amount.is_finite() or amount < 0:
        raise CostError(f"{name}: must be zero or more.")
    if amount != amount.quantize(CENT):
        raise CostError(f"{name}: at most two decimal places.")
    return amount.quantize(CENT)


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """A service the plan needs, how many times. route and setting are "" when they do not apply."""

    service: str
    quantity: int
    route: str = ""
    setting: str = ""


@dataclass(frozen=True)
class Offer:
    """A priced item of the clinic's list: one session, or a package of package_sessions sessions.
    route / setting "" = any."""

    item_id: str
    name: str
    service: str
    unit_price: Decimal
    route: str = ""
    setting: str = ""
    package_sessions: int | None = None
    codes: tuple[str, ...] = ()
    effective_from: date | None = None


@dataclass(frozen=True)
class CoverageTerm:
    """What a payer usually covers for a service (route "" = any route), as the clinic recorded it."""

    service: str
    method: str
    route: str = ""
    copay: Decimal | None = None  # per session, for method "copay"
    coinsurance_percent: Decimal | None = None  # the patient's share, for method "coinsurance"
    note: str = ""


def describe_need(need: Need) -> str:
    parts = [SERVICE_LABELS.get(need.service, need.service)]
    detail = ", ".join(value.replace("_", " ") for value in (need.route, need.setting) if value)
    return f"{parts[0]} ({detail})" if detail else parts[0]


def needs_from_appointments(kinds: Iterable[str], *, route: str, setting: str) -> list[Need]:
    """The plan's services from its appointment kinds (in the order SERVICES lists them). Dosing
    carries the plan's route; every service carries the plan's setting."""
    counts = Counter(kinds)
    unknown = sorted(set(counts) - set(SERVICES))
    if unknown:
        raise CostError(f"Unknown appointment kind(s): {', '.join(unknown)}.")
    return [
        Need(
            service=service,
            quantity=counts[service],
            route=route if service == "dosing" else "",
            setting=setting,
        )
        for service in SERVICES
        if counts[service]
    ]


# --- Output --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateLine:
    item: str
    quantity: int
    unit_price: Decimal
    expected_coverage: Decimal
    patient_pays: Decimal
    service: str
    sessions: int  # sessions this line buys (quantity * package size)
    item_id: str
    codes: tuple[str, ...]
    coverage_explanation: str
    effective_from: date | None = None

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Estimate:
    lines: tuple[EstimateLine, ...]
    total: Decimal
    patient_total: Decimal
    currency: str
    choices: tuple[str, ...] = field(default=())  # how each service was bought, in words

    @property
    def expected_coverage(self) -> Decimal:
        return self.total - self.patient_total

    def as_dict(self) -> dict[str, Any]:
        """The command's and the snapshot's shape. Money as strings with two decimals ("450.00")."""
        return {
            "lines": [
                {
                    "item": line.item,
                    "quantity": line.quantity,
                    "unit_price": str(line.unit_price),
                    "expected_coverage": str(line.expected_coverage),
                    "patient_pays": str(line.patient_pays),
                }
                for line in self.lines
            ],
            "total": str(self.total),
            "patient_total": str(self.patient_total),
            "currency": self.currency,
        }


# --- The estimate --------------------------------------------------------------------------------


def _matches(offer_value: str, need_value: str) -> bool:
    return offer_value in ("", need_value)


def _specificity(offer: Offer) -> tuple[int, str]:
    # A price for this exact route and setting wins over a price for any.
    return (-(bool(offer.route) + bool(offer.setting)), offer.item_id)


def _offers_for(need: Need, offers: Sequence[Offer]) -> tuple[Offer | None, list[Offer]]:
    fitting = [
        offer
        for offer in offers
        if offer.service == need.service
        and _matches(offer.route, need.route)
        and _matches(offer.setting, need.setting)
    ]
    singles = sorted((o for o in fitting if not o.package_sessions), key=_specificity)
    packages = [o for o in fitting if o.package_sessions]
    return (singles[0] if singles else None), packages


def _purchase(need: Need, offers: Sequence[Offer]) -> tuple[list[tuple[Offer, int]], str]:
    """The cheapest way (list price) to buy need.quantity sessions: singles only, or as many of one
    package as fit plus singles for the rest. A package larger than the need does not fit."""
    single, packages = _offers_for(need, offers)
    options: list[tuple[Decimal, int, str, list[tuple[Offer, int]]]] = []
    if single is not None:
        options.append((single.unit_price * need.quantity, 0, "", [(single, need.quantity)]))
    for package in packages:
        size = package.package_sessions or 0
        if size < 1 or size > need.quantity:
            continue
        count, rest = divmod(need.quantity, size)
        if rest and single is None:
            continue
        buy = [(package, count)] + ([(single, rest)] if rest and single is not None else [])
        cost = package.unit_price * count + (single.unit_price * rest if single and rest else 0)
        options.append((Decimal(cost), -size, package.item_id, buy))
    if not options:
        raise MissingPrice(need)
    options.sort(key=lambda option: (option[0], option[1], option[2]))
    cost, _, _, buy = options[0]
    count_label = f"{describe_need(need)}, {need.quantity} needed"
    first, bought = buy[0]
    if not first.package_sessions:
        fits = [p for p in packages if (p.package_sessions or 0) <= need.quantity]
        why = (
            "the price list has no package for it"
            if not packages
            else "no package fits this number of sessions"
            if not fits
            else "cheaper than the packages that fit"
        )
        return buy, f"{count_label}: single sessions at {first.unit_price} each ({why})."
    extra = f" plus {buy[1][1]} single session(s)" if len(buy) > 1 else ""
    compare = (
        f", instead of {single.unit_price * need.quantity} for single sessions"
        if single is not None
        else ""
    )
    return buy, (
        f"{count_label}: {bought} package(s) \u201c{first.name}\u201d "
        f"of {first.package_sessions} sessions{extra}, {cost} in all{compare}."
    )


def _term_for(service: str, route: str, coverage: Sequence[CoverageTerm]) -> CoverageTerm | None:
    fitting = [t for t in coverage if t.service == service and _matches(t.route, route)]
    fitting.sort(key=lambda t: 0 if t.route else 1)
    return fitting[0] if fitting else None


def line_coverage(
    *, line_total: Decimal, sessions: int, term: CoverageTerm | None
) -> tuple[Decimal, str]:
    """(expected coverage, how it was worked out) for a line costing line_total for sessions."""
    if term is None:
        return ZERO, "No coverage recorded for this payer: the patient pays it."
    note = f" {term.note}" if term.note else ""
    if term.method == "not_covered":
        return ZERO, f"Usually not covered.{note}"
    if term.method == "covered":
        return line_total, f"Usually covered in full.{note}"
    if term.method == "copay":
        copay = money(term.copay if term.copay is not None else -1, name="copay")
        patient = min(copay * sessions, line_total)
        return line_total - patient, f"Copay {copay} per session, {sessions} session(s).{note}"
    if term.method == "coinsurance":
        if term.coinsurance_percent is None:
            raise CostError("coinsurance_percent: required for coinsurance.")
        share = Decimal(term.coinsurance_percent)
        if not share.is_finite() or not ZERO <= share <= HUNDRED:
            raise CostError("coinsurance_percent: between 0 and 100.")
        patient = round_cents(line_total * share / HUNDRED)
        return line_total - patient, f"Coinsurance: the patient pays {share.normalize():f}%.{note}"
    raise CostError(f"method: {term.method!r} is not one of {', '.join(COVERAGE_METHODS)}.")


def estimate(
    *,
    needs: Sequence[Need],
    offers: Sequence[Offer],
    coverage: Sequence[CoverageTerm] = (),
    currency: str = "USD",
) -> Estimate:
    """The estimate for the plan's needs from the price list and the payer's usual coverage."""
    for offer in offers:
        money(offer.unit_price, name=f"price of {offer.name}")
        if offer.package_sessions is not None and offer.package_sessions < 1:
            raise CostError(f"{offer.name}: a package holds at least one session.")
    lines: list[EstimateLine] = []
    choices: list[str] = []
    for need in needs:
        if need.service not in SERVICES:
            raise CostError(f"service: {need.service!r} is not one of {', '.join(SERVICES)}.")
        if need.quantity < 1:
            raise CostError(f"quantity of {describe_need(need)}: at least 1.")
        buy, why = _purchase(need, offers)
        choices.append(why)
        term = _term_for(need.service, need.route, coverage)
        for offer, quantity in buy:
            sessions = quantity * (offer.package_sessions or 1)
            line_total = offer.unit_price * quantity
            covered, explanation = line_coverage(
                line_total=line_total, sessions=sessions, term=term
            )
            covered = min(max(round_cents(covered), ZERO), line_total)
            lines.append(
                EstimateLine(
                    item=offer.name,
                    quantity=quantity,
                    unit_price=money(offer.unit_price),
                    expected_coverage=covered,
                    patient_pays=line_total - covered,
                    service=need.service,
                    sessions=sessions,
                    item_id=offer.item_id,
                    codes=offer.codes,
                    coverage_explanation=explanation,
                    effective_from=offer.effective_from,
                )
            )
    total = sum((line.line_total for line in lines), ZERO)
    patient_total = sum((line.patient_pays for line in lines), ZERO)
    return Estimate(
        lines=tuple(lines),
        total=total.quantize(CENT),
        patient_total=patient_total.quantize(CENT),
        currency=currency,
        choices=tuple(choices),
    )
