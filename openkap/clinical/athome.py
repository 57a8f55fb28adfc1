"""The at-home session's check-in and the programme's escalation rules (pure Python, no Django).

The rules are data (knowledge/athome/checkin.toml); the blood-pressure limits are the plan's
protocol's `[[predose_limit]]`s. `checkin_evaluate` says whether a patient may take an at-home dose
now: "pass", or "blocked" with every failing item and its reason. At home nobody can override a
soft stop, so any failing (or unanswered) item blocks. `escalations_due` says which alerts the care
team should get for a set of at-home sessions at a moment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

from openkap.clinical.protocols import Protocol
from openkap.clinical.rulepack import load_rule_pack

KNOWLEDGE = Path(__file__).with_name("knowledge")
CHECKIN_FILE = KNOWLEDGE / "athome" / "checkin.toml"

ITEM_IDS = (
    "monitor_named",
    "monitor_adult",
    "monitor_confirms",
    "safe_place",
    "no_alcohol",
    "no_interacting",
    "blood_pressure",
    "no_driving",
)
ESCALATION_KINDS = (
    "missed_checkin",
    "blocked_checkin",
    "severe_side_effect",
    "suicide_risk",
    "count_mismatch",
)
PASS = "pass"  # noqa: S105  (an outcome, not a password)
BLOCKED = "blocked"
Outcome = Literal["pass", "blocked"]
ItemStatus = Literal["pass", "fail", "missing", "not_given"]


class CheckinDataError(ValueError):
    """The check-in file is wrong: the message names the file and the key."""


@dataclass(frozen=True)
class Substance:
    id: str
    label: str
    rulepack_rule: str  # "" when it is not a rule pack class
    source: str


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    question: str
    message: str
    source: str
    strength: str
    verified: bool
    note: str = ""
    optional: bool = False
    substances: tuple[Substance, ...] = ()

    @property
    def sourced(self) -> str:
        mark = "" if self.verified else " [unverified]"
        return f"{self.source} ({self.strength.replace('_', ' ')}){mark}"


@dataclass(frozen=True)
class EscalationRule:
    id: str
    label: str
    source: str
    strength: str
    verified: bool


@dataclass(frozen=True)
class CheckinData:
    version: str
    title: str
    items: tuple[Item, ...]
    missed_checkin_minutes: int
    escalation_source: str
    escalation_rules: tuple[EscalationRule, ...]

    def item(self, item_id: str) -> Item:
        return next(item for item in self.items if item.id == item_id)

    def substances(self) -> tuple[Substance, ...]:
        return self.item("no_interacting").substances

    def rule(self, kind: str) -> EscalationRule:
        return next(rule for rule in self.escalation_rules if rule.id == kind)


@dataclass(frozen=True)
class CheckinAnswers:
    """What the patient and the monitor answered. None = not answered."""

    patient_name: str
    monitor_name: str = ""
    monitor_adult: bool | None = None
    monitor_typed_name: str = ""
    monitor_will_stay: bool | None = None
    safe_place: bool | None = None
    alcohol_today: bool | None = None
    substances_today: tuple[str, ...] | None = None  # () = "none of these"
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    driving_planned: bool | None = None


@dataclass(frozen=True)
class ItemResult:
    id: str
    label: str
    status: ItemStatus
    reason: str
    source: str


@dataclass(frozen=True)
class CheckinResult:
    outcome: Outcome
    items: tuple[ItemResult, ...]
    data_version: str
    protocol_id: str

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if item.status in ("fail", "missing"))


# --- The check-in -----------------------------------------------------------------------------------


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


def _result(item: Item, status: ItemStatus, reason: str) -> ItemResult:
    return ItemResult(item.id, item.label, status, reason, item.sourced)


def _monitor_named(item: Item, answers: CheckinAnswers, protocol: Protocol) -> ItemResult:
    name = answers.monitor_name.strip()
    if not name:
        return _result(item, "missing", item.message)
    if _normal(name) == _normal(answers.patient_name):
        return _result(item, "fail", "The monitor must be someone other than you. " + item.message)
    return _result(item, "pass", f"Monitor: {name}.")


def _yes(item: Item, value: bool | None, *, wanted: bool, ok: str) -> ItemResult:
    if value is None:
        return _result(item, "missing", "Not answered. " + item.message)
    return _result(item, "pass", ok) if value is wanted else _result(item, "fail", item.message)


def _monitor_confirms(item: Item, answers: CheckinAnswers, protocol: Protocol) -> ItemResult:
    typed = answers.monitor_typed_name.strip()
    if not typed or answers.monitor_will_stay is None:
        return _result(item, "missing", item.message)
    if not answers.monitor_name.strip() or _normal(typed) != _normal(answers.monitor_name):
        return _result(
            item,
            "fail",
            "The name the monitor typed does not match the monitor's name. " + item.message,
        )
    if not answers.monitor_will_stay:
        return _result(item, "fail", item.message)
    minutes = protocol.minimum_monitoring_minutes
    return _result(
        item,
        "pass",
        f"{answers.monitor_name.strip()} confirmed they are present and will stay ({minutes} min).",
    )


def _substances(item: Item, answers: CheckinAnswers, protocol: Protocol) -> ItemResult:
    taken = answers.substances_today
    if taken is None:
        return _result(item, "missing", "Not answered. " + item.message)
    known = {substance.id: substance for substance in item.substances}
    unknown = sorted(set(taken) - set(known))
    if unknown:
        raise ValueError(f"{unknown[0]}: not a substance of the check-in")
    if not taken:
        return _result(item, "pass", "None taken today.")
    labels = "; ".join(known[s].label for s in taken)
    return _result(item, "fail", f"Taken today: {labels}. {item.message}")


def _blood_pressure(item: Item, answers: CheckinAnswers, protocol: Protocol) -> ItemResult:
    values = {
        measure: float(value)
        for measure, value in (
            ("systolic", answers.systolic),
            ("diastolic", answers.diastolic),
            ("heart_rate", answers.heart_rate),
        )
        if value is not None
    }
    if not values:
        return _result(item, "not_given", "No home reading given (optional).")
    if (answers.systolic is None) != (answers.diastolic is None):
        return _result(item, "missing", "Give both numbers of the blood pressure, or neither.")
    crossed = protocol.predose_crossed(values)
    reading = ", ".join(
        f"{measure.replace('_', ' ')} {value:g}" for measure, value in values.items()
    )
    if crossed:
        limits = " ".join(limit.message for limit in crossed)
        return _result(item, "fail", f"Reading: {reading}. {item.message} ({limits})")
    return _result(item, "pass", f"Reading: {reading}: within the protocol's pre-dose limits.")


def checkin_evaluate(
    answers: CheckinAnswers, *, protocol: Protocol, data: CheckinData | None = None
) -> CheckinResult:
    """Pass only if every item passes (an optional one may be not given); else blocked."""
    data = data or load_checkin()
    checks: dict[str, Callable[[Item, CheckinAnswers, Protocol], ItemResult]] = {
        "monitor_named": _monitor_named,
        "monitor_adult": lambda i, a, p: _yes(
            i, a.monitor_adult, wanted=True, ok="The monitor is an adult."
        ),
        "monitor_confirms": _monitor_confirms,
        "safe_place": lambda i, a, p: _yes(i, a.safe_place, wanted=True, ok="Safe place."),
        "no_alcohol": lambda i, a, p: _yes(
            i, a.alcohol_today, wanted=False, ok="No alcohol today."
        ),
        "no_interacting": _substances,
        "blood_pressure": _blood_pressure,
        "no_driving": lambda i, a, p: _yes(
            i, a.driving_planned, wanted=False, ok="No driving planned today."
        ),
    }
    items = tuple(checks[item.id](item, answers, protocol) for item in data.items)
    outcome: Outcome = (
        "pass" if all(item.status in ("pass", "not_given") for item in items) else "blocked"
    )
    return CheckinResult(outcome, items, data.version, protocol.id)


# --- Escalation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFacts:
    """One at-home dosing session as the escalation rules see it."""

    ref: str  # the appointment's id
    starts_at: datetime
    checked_in: bool  # any check-in recorded (passed or blocked)
    cancelled: bool = False


@dataclass(frozen=True)
class Escalation:
    kind: str
    ref: str
    reason: str


@dataclass(frozen=True)
class EscalationFacts:
    sessions: tuple[SessionFacts, ...] = ()
    blocked_checkins: tuple[str, ...] = ()  # check-in ids
    severe_reports: tuple[str, ...] = ()  # adverse event ids (grades that alert the care team)
    suicide_alerts: tuple[str, ...] = ()  # outcomes alert ids of at-home patients
    count_mismatches: tuple[str, ...] = ()  # patient count ids that differ from what is expected
    already: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def escalations_due(
    facts: EscalationFacts, *, now: datetime, data: CheckinData | None = None
) -> tuple[Escalation, ...]:
    """The alerts to raise now, each (kind, ref) at most once: those in `facts.already` are not
    raised again."""
    data = data or load_checkin()
    grace = timedelta(minutes=data.missed_checkin_minutes)
    due: list[Escalation] = []
    for session in facts.sessions:
        if not session.cancelled and not session.checked_in and now > session.starts_at + grace:
            due.append(
                Escalation(
                    "missed_checkin",
                    session.ref,
                    f"No check-in {data.missed_checkin_minutes} minutes after the session's start.",
                )
            )
    due += [
        Escalation("blocked_checkin", ref, "The check-in was blocked.")
        for ref in facts.blocked_checkins
    ]
    due += [
        Escalation("severe_side_effect", ref, "A side effect that alerts the care team.")
        for ref in facts.severe_reports
    ]
    due += [
        Escalation("suicide_risk", ref, "A suicide-risk answer.") for ref in facts.suicide_alerts
    ]
    due += [
        Escalation("count_mismatch", ref, "The patient's count does not match.")
        for ref in facts.count_mismatches
    ]
    seen: set[tuple[str, str]] = set(facts.already)
    unique: list[Escalation] = []
    for escalation in due:
        key = (escalation.kind, escalation.ref)
        if key not in seen:
            seen.add(key)
            unique.append(escalation)
    return tuple(unique)


# --- Loading ----------------------------------------------------------------------------------------


def _req(raw: Mapping[str, Any], key: str, where: str, kind: type) -> Any:
    if key not in raw:
        raise CheckinDataError(f"{where}: missing '{key}'")
    value = raw[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CheckinDataError(f"{where}: '{key}' must be {kind.__name__}")
    return value


@cache
def _rulepack_rule_ids() -> frozenset[str]:
    return frozenset(rule.id for rule in load_rule_pack().rules)


def _read_item(raw: Mapping[str, Any], where: str) -> Item:
    item_id = _req(raw, "id", where, str)
    if item_id not in ITEM_IDS:
        raise CheckinDataError(f"{where}: id '{item_id}' is not a check-in item ({ITEM_IDS})")
    rules = _rulepack_rule_ids()
    substances = []
    for n, sub in enumerate(raw.get("substance", []), start=1):
        sub_where = f"{where} substance {n}"
        rule = str(sub.get("rulepack_rule", ""))
        if rule and rule not in rules:
            raise CheckinDataError(f"{sub_where}: rulepack_rule '{rule}' is not in rules.toml")
        if not rule and not sub.get("source"):
            raise CheckinDataError(f"{sub_where}: give a rulepack_rule or a source")
        substances.append(
            Substance(
                _req(sub, "id", sub_where, str),
                _req(sub, "label", sub_where, str),
                rule,
                str(sub.get("source", f"rule pack rule '{rule}'")),
            )
        )
    rule = str(raw.get("rulepack_rule", ""))
    if rule and rule not in rules:
        raise CheckinDataError(f"{where}: rulepack_rule '{rule}' is not in rules.toml")
    return Item(
        id=item_id,
        label=_req(raw, "label", where, str),
        question=_req(raw, "question", where, str),
        message=_req(raw, "message", where, str),
        source=_req(raw, "source", where, str),
        strength=_req(raw, "strength", where, str),
        verified=_req(raw, "verified", where, bool),
        note=str(raw.get("note", "")),
        optional=bool(raw.get("optional", False)),
        substances=tuple(substances),
    )


def load_checkin_file(path: Path) -> CheckinData:
    name = path.name
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
        raise CheckinDataError(f"{name}: cannot be read ({error})") from None
    items = tuple(
        _read_item(item, f"{name} item {n}") for n, item in enumerate(raw.get("item", []), 1)
    )
    missing = sorted(set(ITEM_IDS) - {item.id for item in items})
    if missing:
        raise CheckinDataError(f"{name}: no item '{missing[0]}'")
    escalation = raw.get("escalation")
    if not isinstance(escalation, dict):
        raise CheckinDataError(f"{name}: missing [escalation]")
    minutes = _req(escalation, "missed_checkin_minutes", f"{name} [escalation]", int)
    if minutes <= 0:
        raise CheckinDataError(f"{name} [escalation]: missed_checkin_minutes must be above 0")
    rules = tuple(
        EscalationRule(
            _req(rule, "id", f"{name} escalation rule {n}", str),
            _req(rule, "label", f"{name} escalation rule {n}", str),
            _req(rule, "source", f"{name} escalation rule {n}", str),
            _req(rule, "strength", f"{name} escalation rule {n}", str),
            _req(rule, "verified", f"{name} escalation rule {n}", bool),
        )
        for n, rule in enumerate(escalation.get("rule", []), 1)
    )
    kinds = {rule.id for rule in rules}
    if kinds != set(ESCALATION_KINDS):
        raise CheckinDataError(f"{name}: escalation rules must be exactly {ESCALATION_KINDS}")
    return CheckinData(
        version=_req(raw, "version", name, str),
        title=_req(raw, "title", name, str),
        items=items,
        missed_checkin_minutes=minutes,
        escalation_source=_req(escalation, "source", f"{name} [escalation]", str),
        escalation_rules=rules,
    )


@cache
def load_checkin() -> CheckinData:
    return load_checkin_file(CHECKIN_FILE)


def substance_ids(data: CheckinData | None = None) -> tuple[str, ...]:
    return tuple(s.id for s in (data or load_checkin()).substances())


def escalation_labels(data: CheckinData | None = None) -> dict[str, str]:
    return {rule.id: rule.label for rule in (data or load_checkin()).escalation_rules}


def unique_refs(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(value) for value in values))
