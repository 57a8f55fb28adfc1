"""The dosing session's BEFORE gate: is everything in place to give this dose?

`gate_evaluate(protocol, answers)` turns the nurse's answers (and what the chart already knows:
consents, pregnancy status, medications) into one item per check, each with its status, detail and
source, and an outcome. What a failing item means (soft or hard stop) comes from the data:
knowledge/dosing/gate.toml for each item, the protocol's pre-dose limits and the rule pack's
hypertensive-crisis and pregnancy rules. An unanswered item is "missing", which never passes.

The outcome is the worst item status; a missing item blocks like a hard stop (the nurse completes
the gate; nobody can override what was not checked).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from openkap.clinical.protocols import Protocol, ProtocolError, Sourced, _sourced
from openkap.clinical.rulepack import LEVELS, RulePackError, _Table, load_rule_pack

GATE_FILE = Path(__file__).resolve().parent / "knowledge" / "dosing" / "gate.toml"

ItemStatus = Literal["pass", "soft_stop", "hard_stop", "missing"]
Outcome = Literal["pass", "soft_stop", "hard_stop"]
ITEM_STATUSES: tuple[ItemStatus, ...] = ("pass", "soft_stop", "missing", "hard_stop")
# The outcome an item status leads to (missing blocks: nobody overrides what was not checked).
_OUTCOME_OF: Mapping[ItemStatus, Outcome] = {
    "pass": "pass",
    "soft_stop": "soft_stop",
    "missing": "hard_stop",
    "hard_stop": "hard_stop",
}
_OUTCOME_RANK: Mapping[Outcome, int] = {"pass": 0, "soft_stop": 1, "hard_stop": 2}
ITEM_IDS: tuple[str, ...] = (
    "consent",
    "fasting",
    "alcohol",
    "transport",
    "vitals",
    "pregnancy",
    "medications",
    "suicide_check",
    "rems",
)
CONSENT_STATES: tuple[str, ...] = ("current", "outdated", "missing")
PREGNANCY_STATES: tuple[str, ...] = ("", "not_pregnant", "pregnant", "not_applicable")


class GateError(ValueError):
    """The gate data is not valid, or an answer is not one the gate knows."""


@dataclass(frozen=True)
class GateItemRule:
    id: str
    label: str
    fails: str  # a rule-pack level; "" where another source decides (vitals, pregnancy)
    message: str
    sourced: Sourced
    routes: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    crisis_rule: str = ""
    rule: str = ""


@dataclass(frozen=True)
class GateData:
    version: str
    title: str
    consent_every_route: tuple[str, ...]
    consent_by_route: Mapping[str, tuple[str, ...]]
    consent_by_setting: Mapping[str, tuple[str, ...]]
    consent_sourced: Sourced
    items: Mapping[str, GateItemRule]

    def required_consents(self, route: str, setting: str) -> tuple[str, ...]:
        kinds = [
            *self.consent_every_route,
            *self.consent_by_route.get(route, ()),
            *self.consent_by_setting.get(setting, ()),
        ]
        return tuple(dict.fromkeys(kinds))


@dataclass(frozen=True)
class GateAnswers:
    """What the gate looks at. None (or "") is "not answered"."""

    setting: str = "in_office"
    consents: Mapping[str, str] = field(default_factory=dict)  # kind -> current/outdated/missing
    fasting: bool | None = None
    no_alcohol: bool | None = None
    escort_name: str = ""
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    spo2: float | None = None
    pregnancy_relevant: bool = True
    pregnancy: str = ""
    drug_classes: frozenset[str] = frozenset()  # the classes of the patient's current medications
    interacting_held: bool | None = None  # held or reviewed per protocol (the nurse confirms)
    suicide_check_done: bool | None = None
    suicide_check_positive: bool | None = None
    rems_enrolled: bool | None = None


@dataclass(frozen=True)
class GateItem:
    id: str
    label: str
    status: ItemStatus
    detail: str
    source: str


@dataclass(frozen=True)
class GateResult:
    items: tuple[GateItem, ...]
    outcome: Outcome
    version: str

    def item(self, item_id: str) -> GateItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def gate_outcome(statuses: tuple[ItemStatus, ...]) -> Outcome:
    """The worst status, a missing item counting as a hard stop; no items at all is not a pass."""
    if not statuses:
        return "hard_stop"
    return max((_OUTCOME_OF[s] for s in statuses), key=_OUTCOME_RANK.__getitem__)


def gate_evaluate(protocol: Protocol, answers: GateAnswers) -> GateResult:
    data = load_gate()
    items: list[GateItem] = []
    for item_id in ITEM_IDS:
        rule = data.items[item_id]
        if rule.routes and protocol.route not in rule.routes:
            continue
        items.append(_EVALUATORS[item_id](rule, protocol, answers, data))
    result_items = tuple(items)
    return GateResult(
        result_items, gate_outcome(tuple(i.status for i in result_items)), data.version
    )


# --- The items --------------------------------------------------------------------------------------


def _status_for(level: str) -> ItemStatus:
    if level == "absolute":
        return "hard_stop"
    if level == "relative":
        return "soft_stop"
    return "pass"


def _source(sourced: Sourced) -> str:
    text = f"{sourced.source} ({sourced.strength})"
    return text if sourced.verified else f"{text} [unverified: {sourced.note}]"


def _item(rule: GateItemRule, status: ItemStatus, detail: str, source: str = "") -> GateItem:
    return GateItem(rule.id, rule.label, status, detail, source or _source(rule.sourced))


def _yes_no(rule: GateItemRule, value: bool | None, yes: str) -> GateItem:
    if value is None:
        return _item(rule, "missing", "Not answered.")
    if value:
        return _item(rule, "pass", yes)
    return _item(rule, _status_for(rule.fails), rule.message)


def _consent(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    required = data.required_consents(protocol.route, a.setting)
    for state in a.consents.values():
        if state not in CONSENT_STATES:
            raise GateError(f"consents: state {state!r} is not one of {', '.join(CONSENT_STATES)}")
    not_current = [kind for kind in required if a.consents.get(kind, "missing") != "current"]
    source = f"{_source(rule.sourced)}; required kinds: {_source(data.consent_sourced)}"
    if not_current:
        states = ", ".join(f"{kind}: {a.consents.get(kind, 'missing')}" for kind in not_current)
        return _item(rule, _status_for(rule.fails), f"{rule.message} ({states})", source)
    return _item(rule, "pass", f"Current: {', '.join(required)}.", source)


def _fasting(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    return _yes_no(rule, a.fasting, "Fasting confirmed.")


def _alcohol(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    return _yes_no(rule, a.no_alcohol, "No alcohol today.")


def _transport(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    name = a.escort_name.strip()
    if not name:
        return _item(rule, _status_for(rule.fails), rule.message)
    return _item(rule, "pass", f"Escort named: {name}.")


def _vitals(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    readings = {
        "systolic": a.systolic,
        "diastolic": a.diastolic,
        "heart_rate": a.heart_rate,
        "spo2": a.spo2,
    }
    absent = [measure for measure, value in readings.items() if value is None]
    if absent:
        return _item(rule, "missing", f"Not recorded: {', '.join(absent)}.")
    values = {measure: float(value) for measure, value in readings.items() if value is not None}
    findings: list[tuple[str, str, str]] = []  # level, message, source
    crisis = load_rule_pack().rule(rule.crisis_rule)
    if crisis.blood_pressure is not None and crisis.blood_pressure.crossed(
        int(values["systolic"]), int(values["diastolic"])
    ):
        crisis_sourced = Sourced(crisis.source, crisis.strength, crisis.verified, crisis.note)
        findings.append((crisis.level, crisis.message, _source(crisis_sourced)))
    try:
        crossed = protocol.predose_crossed(values)
    except ProtocolError as error:
        raise GateError(str(error)) from None
    findings.extend((limit.level, limit.message, _source(limit.sourced)) for limit in crossed)
    reading = (
        f"BP {values['systolic']:g}/{values['diastolic']:g} mmHg, HR {values['heart_rate']:g}/min, "
        f"SpO2 {values['spo2']:g}%"
    )
    if not findings:
        limits = "; ".join(
            f"{limit.measure} {'above' if limit.above is not None else 'below'} "
            f"{limit.above if limit.above is not None else limit.below:g}"
            for limit in protocol.predose_limits
        )
        return _item(
            rule,
            "pass",
            f"{reading}: within the protocol's limits ({limits or 'none set'}).",
            f"Protocol {protocol.id} {protocol.version} pre-dose limits; "
            f"rule pack {crisis.id} ({crisis.strength})",
        )
    worst = max(findings, key=lambda f: LEVELS.index(f[0]))[0]
    return _item(
        rule,
        _status_for(worst),
        f"{reading}. " + " ".join(message for _, message, _ in findings),
        "; ".join(dict.fromkeys(source for _, _, source in findings)),
    )


def _pregnancy(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    if a.pregnancy not in PREGNANCY_STATES:
        raise GateError(f"pregnancy: {a.pregnancy!r} is not one of {', '.join(PREGNANCY_STATES)}")
    if not a.pregnancy_relevant:
        return _item(rule, "pass", "Not relevant for this patient.")
    if a.pregnancy == "":
        return _item(rule, "missing", rule.message)
    if a.pregnancy == "pregnant":
        pack_rule = load_rule_pack().rule(rule.rule)
        sourced = Sourced(pack_rule.source, pack_rule.strength, pack_rule.verified, pack_rule.note)
        return _item(rule, _status_for(pack_rule.level), pack_rule.message, _source(sourced))
    return _item(rule, "pass", a.pregnancy.replace("_", " ").capitalize() + ".")


def _medications(
    rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData
) -> GateItem:
    pack = load_rule_pack()
    taken = [c for c in rule.classes if c in a.drug_classes]
    if not taken:
        return _item(rule, "pass", "No interacting medication on the medication list.")
    names = ", ".join(pack.drug_classes[c].name for c in taken)
    if a.interacting_held is None:
        return _item(
            rule, "missing", f"Takes: {names}. Held or reviewed per protocol? Not answered."
        )
    if a.interacting_held:
        return _item(rule, "pass", f"Takes: {names}; held or reviewed per protocol.")
    return _item(rule, _status_for(rule.fails), f"Takes: {names}. {rule.message}")


def _suicide(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    if not a.suicide_check_done or a.suicide_check_positive is None:
        return _item(rule, "missing", "No suicide-risk check recorded today.")
    if a.suicide_check_positive:
        return _item(rule, _status_for(rule.fails), rule.message)
    return _item(rule, "pass", "Checked today: negative.")


def _rems(rule: GateItemRule, protocol: Protocol, a: GateAnswers, data: GateData) -> GateItem:
    return _yes_no(rule, a.rems_enrolled, "Enrolled.")


_EVALUATORS = {
    "consent": _consent,
    "fasting": _fasting,
    "alcohol": _alcohol,
    "transport": _transport,
    "vitals": _vitals,
    "pregnancy": _pregnancy,
    "medications": _medications,
    "suicide_check": _suicide,
    "rems": _rems,
}


# --- Loading ----------------------------------------------------------------------------------------


@cache
def load_gate() -> GateData:
    return load_gate_file(GATE_FILE)


def load_gate_file(path: Path) -> GateData:
    """The gate data, checked; raises GateError naming the file and key."""
    try:
        return _read_gate(path)
    except (RulePackError, ProtocolError) as error:
        raise GateError(str(error)) from None


def _read_gate(path: Path) -> GateData:
    name = path.name
    try:
        with path.open("rb") as handle:
            raw: dict[str, Any] = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
        raise GateError(f"{name}: cannot be read ({error})") from None
    pack = load_rule_pack()
    table = _Table(raw, name)
    consent = _Table(table.table("consent"), f"{name} [consent]")
    every_route = consent.texts("every_route", required=True)
    by_route = _kind_lists(consent.optional_table("by_route") or {}, f"{name} [consent.by_route]")
    by_setting = _kind_lists(
        consent.optional_table("by_setting") or {}, f"{name} [consent.by_setting]"
    )
    for route in by_route:
        if route not in pack.routes:
            raise GateError(f"{name} [consent.by_route]: route {route!r} is not in the rule pack")
    for setting in by_setting:
        if setting not in pack.settings:
            raise GateError(f"{name} [consent.by_setting]: {setting!r} is not a setting")
    consent_sourced = _sourced(consent)
    consent.done()
    items: dict[str, GateItemRule] = {}
    for n, item_raw in enumerate(table.tables("item"), start=1):
        where = f"{name} item {n}"
        item_table = _Table(item_raw, where)
        item = GateItemRule(
            id=item_table.text("id"),
            label=item_table.text("label"),
            fails=item_table.text("fails", default=""),
            message=item_table.text("message"),
            routes=item_table.texts("routes"),
            classes=item_table.texts("classes"),
            crisis_rule=item_table.text("crisis_rule", default=""),
            rule=item_table.text("rule", default=""),
            sourced=_sourced(item_table),
        )
        item_table.done()
        _check_item(item, where, pack.routes, pack.drug_classes, pack.rule)
        if item.id in items:
            raise GateError(f"{where}: id {item.id!r} is used twice")
        items[item.id] = item
    missing = [item_id for item_id in ITEM_IDS if item_id not in items]
    if missing:
        raise GateError(f"{name}: no [[item]] for {', '.join(missing)}")
    data = GateData(
        version=table.text("version"),
        title=table.text("title"),
        consent_every_route=every_route,
        consent_by_route=by_route,
        consent_by_setting=by_setting,
        consent_sourced=consent_sourced,
        items=items,
    )
    table.done()
    return data


def _kind_lists(data: Mapping[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    table = _Table(data, where)
    result = {key: table.texts(key, required=True) for key in data}
    table.done()
    return result


def _check_item(
    item: GateItemRule,
    where: str,
    routes: Mapping[str, str],
    drug_classes: Mapping[str, Any],
    rule_of: Any,
) -> None:
    if item.id not in ITEM_IDS:
        raise GateError(f"{where}: id {item.id!r} is not one of {', '.join(ITEM_IDS)}")
    decided_elsewhere = item.id in {"vitals", "pregnancy"}
    if decided_elsewhere and item.fails:
        raise GateError(f"{where}: {item.id} takes its levels from the rule pack; no fails")
    if not decided_elsewhere and item.fails not in ("relative", "absolute"):
        raise GateError(f"{where}: fails must be 'relative' (soft stop) or 'absolute' (hard stop)")
    for route in item.routes:
        if route not in routes:
            raise GateError(f"{where}: route {route!r} is not in the rule pack")
    for drug_class in item.classes:
        if drug_class not in drug_classes:
            raise GateError(f"{where}: drug class {drug_class!r} is not in the rule pack")
    if item.id == "medications" and not item.classes:
        raise GateError(f"{where}: medications needs classes")
    for key, rule_id in (("crisis_rule", item.crisis_rule), ("rule", item.rule)):
        if rule_id:
            try:
                rule_of(rule_id)
            except KeyError:
                raise GateError(
                    f"{where}: {key} {rule_id!r} is not a rule of the rule pack"
                ) from None
    if item.id == "vitals" and not item.crisis_rule:
        raise GateError(f"{where}: vitals needs crisis_rule")
    if item.id == "pregnancy" and not item.rule:
        raise GateError(f"{where}: pregnancy needs rule")
