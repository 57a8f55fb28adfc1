"""The clinic quality self-audit: the seeds' checklist for choosing a clinic, decided from plain facts.

Pure Python, no Django. The selectors (openkap/quality/selectors.py) gather the facts from the
clinic's own data as plain numbers and dates; this module decides each item's status from them and
from the thresholds of knowledge/quality/checklist.toml (each with its source and strength), so the
rules can be tested without a database.

Statuses, from best to worst: not applicable (nothing to measure), met, attention, missing.
"""

from __future__ import annotations

import calendar
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

CHECKLIST_PATH = Path(__file__).resolve().parent / "knowledge" / "quality" / "checklist.toml"

# The kinds of licence and certificate a staff member may hold (the model's choices use the same).
CREDENTIAL_KINDS = (
    "medical_licence",
    "nursing_licence",
    "mental_health_licence",
    "dea_practitioner",
    "acls",
    "bls",
    "rems_enrolment",
    "other",
)
DRILL_SCENARIOS = (
    "airway",
    "hypertensive_crisis",
    "severe_agitation",
    "evacuation",
    "other",
)
CLINICAL_ROLES = ("prescriber", "nurse", "therapist")


class ChecklistError(ValueError):
    """The checklist file is malformed: the message names the key."""


class Status(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    MET = "met"
    ATTENTION = "attention"
    MISSING = "missing"


_SEVERITY = {
    Status.NOT_APPLICABLE: 0,
    Status.MET: 1,
    Status.ATTENTION: 2,
    Status.MISSING: 3,
}


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of the statuses (not applicable when there are none)."""
    return max(statuses, key=_SEVERITY.__getitem__, default=Status.NOT_APPLICABLE)


# --- The knowledge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sourced:
    source: str
    strength: str
    verified: bool

    @property
    def strength_label(self) -> str:
        return self.strength.replace("_", " ")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    quote: str
    source: str
    strength: str


@dataclass(frozen=True)
class Requirement:
    role: str
    kinds: tuple[str, ...]
    label: str
    sourced: Sourced


@dataclass(frozen=True)
class ShareRule:
    met_at: float
    attention_at: float
    sourced: Sourced


@dataclass(frozen=True)
class Checklist:
    version: str
    sections: tuple[Section, ...]
    licence_warning_days: int
    licences: Sourced
    requirements: tuple[Requirement, ...]
    drill_cadence_months: int
    drill_scenario_months: int
    drill_due_soon_days: int
    drill_scenarios: tuple[str, ...]
    drills: Sourced
    screening: ShareRule
    integration: ShareRule
    integration_default_within_days: int
    outcomes: ShareRule
    consent: ShareRule
    consent_required: tuple[str, ...]
    consent_esketamine: str
    consent_at_home: str
    education: Sourced
    dea_warning_days: int
    dea: Sourced
    inventory_months: int
    inventory_due_soon_days: int
    inventory: Sourced
    rems: Sourced

    def requirements_for(self, role: str) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.role == role)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise ChecklistError(f"no section {section_id!r}")


@functools.cache
def checklist() -> Checklist:
    return load_checklist(CHECKLIST_PATH)


def load_checklist(path: Path) -> Checklist:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ChecklistError(f"{path.name}: {error}") from error
    try:
        return _read(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ChecklistError(f"{path.name}: {error!r}") from error


def _sourced(table: Mapping[str, Any]) -> Sourced:
    return Sourced(
        source=str(table["source"]),
        strength=str(table["strength"]),
        verified=bool(table.get("verified", False)),
    )


def _days(table: Mapping[str, Any], key: str) -> int:
    value = table[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{key} must be a whole number of at least 1, not {value!r}")
    return value


def _share(table: Mapping[str, Any]) -> ShareRule:
    met_at, attention_at = float(table["met_at"]), float(table["attention_at"])
    if not 0.0 <= attention_at <= met_at <= 1.0:
        raise ValueError(f"need 0 <= attention_at <= met_at <= 1, got {attention_at}, {met_at}")
    return ShareRule(met_at=met_at, attention_at=attention_at, sourced=_sourced(table))


def _read(data: Mapping[str, Any]) -> Checklist:
    if data["schema"] != 1:
        raise ValueError(f"schema {data['schema']!r} is not 1")
    requirements = []
    for entry in data["licences"]["requirement"]:
        kinds = tuple(str(kind) for kind in entry["kinds"])
        unknown = [kind for kind in kinds if kind not in CREDENTIAL_KINDS]
        if entry["role"] not in CLINICAL_ROLES or not kinds or unknown:
            raise ValueError(f"licence requirement {entry!r}: unknown role or kinds {unknown}")
        requirements.append(
            Requirement(
                role=str(entry["role"]),
                kinds=kinds,
                label=str(entry["label"]),
                sourced=_sourced(entry),
            )
        )
    drills = data["drills"]
    scenarios = tuple(str(s) for s in drills["scenarios"])
    if any(s not in DRILL_SCENARIOS for s in scenarios):
        raise ValueError(f"drills.scenarios: unknown scenario in {scenarios}")
    licences = data["licences"]
    consent = data["consent"]
    return Checklist(
        version=str(data["version"]),
        sections=tuple(
            Section(
                id=str(s["id"]),
                title=str(s["title"]),
                quote=str(s["quote"]),
                source=str(s["source"]),
                strength=str(s["strength"]),
            )
            for s in data["section"]
        ),
        licence_warning_days=_days(licences, "warning_days"),
        licences=_sourced(licences),
        requirements=tuple(requirements),
        drill_cadence_months=_days(drills, "cadence_months"),
        drill_scenario_months=_days(drills, "scenario_months"),
        drill_due_soon_days=_days(drills, "due_soon_days"),
        drill_scenarios=scenarios,
        drills=_sourced(drills),
        screening=_share(data["screening"]),
        integration=_share(data["integration"]),
        integration_default_within_days=_days(data["integration"], "default_within_days"),
        outcomes=_share(data["outcomes"]),
        consent=_share(consent),
        consent_required=tuple(str(kind) for kind in consent["required"]),
        consent_esketamine=str(consent["esketamine"]),
        consent_at_home=str(consent["at_home"]),
        education=_sourced(data["education"]),
        dea_warning_days=_days(data["dea"], "warning_days"),
        dea=_sourced(data["dea"]),
        inventory_months=_days(data["biennial_inventory"], "months"),
        inventory_due_soon_days=_days(data["biennial_inventory"], "due_soon_days"),
        inventory=_sourced(data["biennial_inventory"]),
        rems=_sourced(data["rems"]),
    )


# --- The status rules -----------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def share_status(numerator: int, denominator: int, *, met_at: float, attention_at: float) -> Status:
    """Met when the share reaches `met_at`, attention when it reaches `attention_at`, else missing.
    Nothing to measure (denominator 0) is not applicable."""
    if denominator < 0 or numerator < 0 or numerator > denominator:
        raise ValueError(f"a share needs 0 <= {numerator} <= {denominator}")
    if denominator == 0:
        return Status.NOT_APPLICABLE
    # Compared in integers so that 9/10 against 0.9 is not lost to rounding.
    if numerator * 1_000_000 >= round(met_at * 1_000_000) * denominator:
        return Status.MET
    if numerator * 1_000_000 >= round(attention_at * 1_000_000) * denominator:
        return Status.ATTENTION
    return Status.MISSING


def expiry_status(expires_on: date | None, *, today: date, warning_days: int) -> Status:
    """Missing when there is none or it has expired (valid through its expiry date), attention
    when it expires within `warning_days`, met otherwise."""
    if expires_on is None or expires_on < today:
        return Status.MISSING
    if (expires_on - today).days <= warning_days:
        return Status.ATTENTION
    return Status.MET


def due_status(last: date | None, *, today: date, months: int, due_soon_days: int) -> Status:
    """For something to be done every `months`: missing when never done or overdue, attention when
    it falls due within `due_soon_days`, met otherwise."""
    if last is None:
        return Status.MISSING
    due = add_months(last, months)
    if today > due:
        return Status.MISSING
    if (due - today).days <= due_soon_days:
        return Status.ATTENTION
    return Status.MET


# --- The facts and the audit ----------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    kind: str
    expires_on: date
    label: str = ""


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    roles: frozenset[str]
    credentials: tuple[Credential, ...] = ()


@dataclass(frozen=True)
class RequirementCheck:
    """One requirement of one staff member in one role, and the best credential that meets it."""

    staff_id: int
    name: str
    role: str
    requirement: Requirement
    status: Status
    credential: Credential | None
    days_left: int | None

    @property
    def expired(self) -> bool:
        return self.credential is not None and self.days_left is not None and self.days_left < 0


def requirement_checks(
    staff: Iterable[StaffMember], rules: Checklist, *, today: date
) -> tuple[RequirementCheck, ...]:
    checks = []
    for member in sorted(staff, key=lambda m: (m.name, m.id)):
        for role in CLINICAL_ROLES:
            if role not in member.roles:
                continue
            for requirement in rules.requirements_for(role):
                held = [c for c in member.credentials if c.kind in requirement.kinds]
                best = max(held, key=lambda c: c.expires_on, default=None)
                checks.append(
                    RequirementCheck(
                        staff_id=member.id,
                        name=member.name,
                        role=role,
                        requirement=requirement,
                        status=expiry_status(
                            best.expires_on if best else None,
                            today=today,
                            warning_days=rules.licence_warning_days,
                        ),
                        credential=best,
                        days_left=(best.expires_on - today).days if best else None,
                    )
                )
    return tuple(checks)


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class Facts:
    """What the selectors gathered from the clinic's data: plain numbers, dates and names."""

    today: date
    staff: tuple[StaffMember, ...]
    last_drill_on: date | None
    scenario_last_drilled: Mapping[str, date]
    rule_pack_version: str
    protocols: tuple[tuple[str, str], ...]  # (name, version) of the protocols in use
    screened_before_first_dose: Share  # patients who started treatment
    integration_followed: Share  # signed dosing sessions whose window has closed
    questionnaires_completed: Share  # questionnaires due by today
    consent_kinds_published: frozenset[str]
    treatment_consent_signed: Share  # patients who started treatment
    education_pages: Share  # pages present of the pages listed
    offers_esketamine: bool
    offers_at_home: bool
    rems_certified: bool
    rems_number: str
    dea_number: str
    dea_expires_on: date | None
    last_inventory_on: date | None


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    status: Status
    summary: str
    sourced: Sourced
    # Where to fix it, a key the page turns into a link ("" when nothing to do).
    fix: str = ""
    share: Share | None = None
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionResult:
    section: Section
    items: tuple[Item, ...]

    @property
    def status(self) -> Status:
        return worst(item.status for item in self.items)


@dataclass(frozen=True)
class Audit:
    version: str
    today: date
    sections: tuple[SectionResult, ...]
    checks: tuple[RequirementCheck, ...] = field(default=())

    @property
    def status(self) -> Status:
        return worst(section.status for section in self.sections)


def _pct(share: Share) -> str:
    if share.percent is None:
        return "nothing to measure yet"
    return f"{share.numerator} of {share.denominator} ({share.percent:.0f}%)"


def _share_item(
    item_id: str, label: str, share: Share, rule: ShareRule, fix: str, unit: str
) -> Item:
    status = share_status(
        share.numerator, share.denominator, met_at=rule.met_at, attention_at=rule.attention_at
    )
    if share.denominator == 0:
        summary = f"Nothing to measure yet (no {unit})."
    else:
        summary = (
            f"{_pct(share)} {unit}; met at {rule.met_at:.0%}, attention from "
            f"{rule.attention_at:.0%}, missing below it."
        )
    return Item(
        id=item_id,
        label=label,
        status=status,
        summary=summary,
        sourced=rule.sourced,
        fix=fix if status in (Status.ATTENTION, Status.MISSING) else "",
        share=share,
    )


def _licence_items(
    facts: Facts, rules: Checklist, checks: tuple[RequirementCheck, ...]
) -> list[Item]:
    expired = [c for c in checks if c.expired]
    absent = [c for c in checks if c.credential is None]
    soon = [c for c in checks if c.status == Status.ATTENTION]
    clinicians = [m for m in facts.staff if m.roles & set(CLINICAL_ROLES)]
    status = worst(c.status for c in checks) if checks else Status.MISSING
    met = sum(1 for c in checks if c.status == Status.MET)
    summary = (
        f"{met} of {len(checks)} requirements of {len(clinicians)} clinical staff met"
        if checks
        else "No active prescriber, nurse or therapist on staff."
    )
    details = tuple(
        [f"Expired: {c.name} ({c.role}), {c.requirement.label}" for c in expired]
        + [f"Not recorded: {c.name} ({c.role}), {c.requirement.label}" for c in absent]
        + [
            f"Expires in {c.days_left} days: {c.name} ({c.role}), {c.requirement.label}"
            for c in soon
        ]
    )
    therapists_ok = any(
        c.role == "therapist"
        and "mental_health_licence" in c.requirement.kinds
        and c.status in (Status.MET, Status.ATTENTION)
        for c in checks
    )
    mental_health = [r for r in rules.requirements if "mental_health_licence" in r.kinds]
    return [
        Item(
            id="licences_current",
            label="Every active prescriber, nurse and therapist holds a current licence of the "
            "right kind",
            status=status,
            summary=summary
            + f"; a licence expiring within {rules.licence_warning_days} days needs attention.",
            sourced=rules.licences,
            fix="licences" if status != Status.MET else "",
            details=details,
        ),
        Item(
            id="mental_health_provider",
            label="A licensed mental-health provider (therapist) on staff for preparation and "
            "integration",
            status=Status.MET if therapists_ok else Status.MISSING,
            summary="A therapist with a current mental-health licence."
            if therapists_ok
            else "No therapist with a current mental-health licence is recorded.",
            sourced=mental_health[0].sourced if mental_health else rules.licences,
            fix="" if therapists_ok else "licences",
        ),
    ]


def _oversight_items(facts: Facts, rules: Checklist) -> list[Item]:
    prescribers = [m for m in facts.staff if "prescriber" in m.roles]
    section = rules.section("oversight_emergency")
    oversight = Sourced(source=section.source, strength=section.strength, verified=True)
    drill = due_status(
        facts.last_drill_on,
        today=facts.today,
        months=rules.drill_cadence_months,
        due_soon_days=rules.drill_due_soon_days,
    )
    since = add_months(facts.today, -rules.drill_scenario_months)
    uncovered = [
        s
        for s in rules.drill_scenarios
        if s not in facts.scenario_last_drilled or facts.scenario_last_drilled[s] < since
    ]
    if facts.last_drill_on is None:
        drill_summary = "No emergency drill has been logged."
    else:
        due = add_months(facts.last_drill_on, rules.drill_cadence_months)
        drill_summary = (
            f"Last drill {facts.last_drill_on.isoformat()}; next due by {due.isoformat()}."
        )
    return [
        Item(
            id="prescriber_on_staff",
            label="At least one prescriber on staff (medical oversight)",
            status=Status.MET if prescribers else Status.MISSING,
            summary=f"{len(prescribers)} active prescriber(s).",
            sourced=oversight,
            fix="" if prescribers else "staff",
        ),
        Item(
            id="drill_cadence",
            label=f"An emergency drill at least every {rules.drill_cadence_months} months",
            status=drill,
            summary=drill_summary,
            sourced=rules.drills,
            fix="drills" if drill != Status.MET else "",
        ),
        Item(
            id="drill_scenarios",
            label=f"Every emergency scenario drilled within {rules.drill_scenario_months} months",
            status=Status.ATTENTION if uncovered else Status.MET,
            summary="All scenarios drilled."
            if not uncovered
            else "Not drilled within the period: " + ", ".join(uncovered).replace("_", " ") + ".",
            sourced=rules.drills,
            fix="drills" if uncovered else "",
            details=tuple(
                f"{s.replace('_', ' ')}: "
                + (
                    facts.scenario_last_drilled[s].isoformat()
                    if s in facts.scenario_last_drilled
                    else "never"
                )
                for s in rules.drill_scenarios
            ),
        ),
        Item(
            id="protocols_in_force",
            label="Written protocols and safety rules in force",
            status=Status.MET if facts.protocols and facts.rule_pack_version else Status.MISSING,
            summary=f"Rule pack {facts.rule_pack_version}; {len(facts.protocols)} protocol(s) in force.",
            sourced=oversight,
            details=tuple(f"{name} (version {version})" for name, version in facts.protocols),
        ),
    ]


def _full_protocol_items(facts: Facts, rules: Checklist) -> list[Item]:
    required = list(rules.consent_required)
    if facts.offers_esketamine:
        required.append(rules.consent_esketamine)
    if facts.offers_at_home:
        required.append(rules.consent_at_home)
    unpublished = [kind for kind in required if kind not in facts.consent_kinds_published]
    pages = facts.education_pages
    return [
        Item(
            id="consent_published",
            label="Consent documents published for the treatments offered",
            status=Status.MISSING if unpublished else Status.MET,
            summary=f"{len(required) - len(unpublished)} of {len(required)} published.",
            sourced=rules.consent.sourced,
            fix="consent" if unpublished else "",
            details=tuple(f"Not published: {kind.replace('_', ' ')}" for kind in unpublished),
        ),
        _share_item(
            "consent_signed",
            "Patients who started treatment signed the ketamine-treatment consent",
            facts.treatment_consent_signed,
            rules.consent,
            "",
            "patients",
        ),
        Item(
            id="education_pages",
            label="Patient-education pages in the portal (what to expect, risks, therapy, costs)",
            status=Status.MET
            if pages.denominator and pages.numerator == pages.denominator
            else Status.MISSING,
            summary=f"{pages.numerator} of {pages.denominator} pages present.",
            sourced=rules.education,
            share=pages,
        ),
    ]


def _registration_items(facts: Facts, rules: Checklist) -> list[Item]:
    if not facts.offers_esketamine:
        rems = Status.NOT_APPLICABLE
        rems_summary = "The clinic has no esketamine plans or sessions."
    elif facts.rems_certified:
        rems, rems_summary = (
            Status.MET,
            f"Certified (number {facts.rems_number or 'not recorded'}).",
        )
    else:
        rems, rems_summary = (
            Status.MISSING,
            "Esketamine is given but no REMS certification is recorded.",
        )
    dea = expiry_status(
        facts.dea_expires_on, today=facts.today, warning_days=rules.dea_warning_days
    )
    inventory = due_status(
        facts.last_inventory_on,
        today=facts.today,
        months=rules.inventory_months,
        due_soon_days=rules.inventory_due_soon_days,
    )
    if facts.dea_expires_on is None:
        dea_summary = "No DEA registration recorded."
    elif facts.dea_expires_on < facts.today:
        dea_summary = f"{facts.dea_number} expired on {facts.dea_expires_on.isoformat()}."
    else:
        dea_summary = f"{facts.dea_number} expires on {facts.dea_expires_on.isoformat()}."
    if facts.last_inventory_on is None:
        inventory_summary = "No physical count is recorded in the ledger."
    else:
        inventory_summary = (
            f"Last physical count in the ledger {facts.last_inventory_on.isoformat()}; the "
            "biennial inventory covers every lot in stock; next due by "
            f"{add_months(facts.last_inventory_on, rules.inventory_months).isoformat()}."
        )
    return [
        Item(
            id="rems_certification",
            label="Esketamine REMS healthcare-setting certification",
            status=rems,
            summary=rems_summary,
            sourced=rules.rems,
            fix="rems" if rems == Status.MISSING else "",
        ),
        Item(
            id="dea_registration",
            label="DEA registration current",
            status=dea,
            summary=dea_summary,
            sourced=rules.dea,
            fix="dea" if dea != Status.MET else "",
        ),
        Item(
            id="biennial_inventory",
            label=f"Controlled-substance inventory within {rules.inventory_months} months",
            status=inventory,
            summary=inventory_summary,
            sourced=rules.inventory,
            fix="inventory" if inventory != Status.MET else "",
        ),
    ]


def audit(facts: Facts, rules: Checklist | None = None) -> Audit:
    """Every checklist item's status from the facts."""
    rules = rules or checklist()
    checks = requirement_checks(facts.staff, rules, today=facts.today)
    items: dict[str, list[Item]] = {
        "licensed_providers": _licence_items(facts, rules, checks),
        "oversight_emergency": _oversight_items(facts, rules),
        "screening": [
            _share_item(
                "screened_before_first_dose",
                "Patients who started treatment had a signed screening before their first dose",
                facts.screened_before_first_dose,
                rules.screening,
                "screening",
                "patients",
            )
        ],
        "integration_follow_up": [
            _share_item(
                "integration_after_dosing",
                "Signed dosing sessions followed by an integration session within the protocol's "
                "window",
                facts.integration_followed,
                rules.integration,
                "schedule",
                "sessions",
            ),
            _share_item(
                "questionnaires_completed",
                "Outcome questionnaires completed when due",
                facts.questionnaires_completed,
                rules.outcomes,
                "",
                "questionnaires",
            ),
        ],
        "full_protocol": _full_protocol_items(facts, rules),
        "registrations": _registration_items(facts, rules),
    }
    return Audit(
        version=rules.version,
        today=facts.today,
        sections=tuple(
            SectionResult(section=section, items=tuple(items.get(section.id, ())))
            for section in rules.sections
        ),
        checks=checks,
    )
