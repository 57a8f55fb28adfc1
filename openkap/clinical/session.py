"""The dosing session DURING and AFTER the dose: alerts, timed vitals, discharge and vocabularies.

The numbers and words come from knowledge/dosing/session.toml (docs/protocols.md, "The session
chart data") and from the protocol: its [[alert_limit]]s, vitals schedule and minimum monitoring
time. Nothing here imports Django.

- `vital_alerts(protocol, values)`: one `Alert` per limit a set of readings crosses (the protocol's
  alert limits and the session file's extra limits, e.g. respiratory rate).
- `rating_alerts(instrument_id=..., score=...)`: the alerts a MOAA/S or dissociation rating raises.
- `vitals_due(protocol, ...)`: each due point of the protocol's vitals schedule, done / due /
  overdue / upcoming, given when the sets were taken.
- `discharge_evaluate(protocol, inputs)`: one item per discharge check, and whether all are met.
- `side_effect_terms()`, `severity_grades()`, `interventions()`, `aftercare_instructions()`: the
  vocabularies the chart offers, each term with its source.

Bad input (an unknown measure, an implausible value, a rating out of range) raises
`SessionRuleError` naming the field; bad data is refused at load naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from openkap.clinical.instruments import AnswerError, InstrumentDataError
from openkap.clinical.instruments import instrument as _instrument
from openkap.clinical.protocols import MEASURES, Protocol, ProtocolError, Sourced, VitalLimit
from openkap.clinical.protocols import _sourced as _protocol_sourced
from openkap.clinical.rulepack import LEVEL_RANK, LEVELS, RulePackError, _Table, load_rule_pack

SESSION_FILE = Path(__file__).resolve().parent / "knowledge" / "dosing" / "session.toml"

# The measures a vitals set may hold: the protocols' four and respiratory rate.
SESSION_MEASURES: tuple[str, ...] = (*MEASURES, "respiratory_rate")
# The rule pack's plausibility limits for the measures it holds.
_PACK_LIMIT_OF: Mapping[str, str] = MappingProxyType(
    {
        "systolic": "blood_pressure.systolic",
        "diastolic": "blood_pressure.diastolic",
        "heart_rate": "heart_rate",
    }
)
# The protocol's [vitals] measures and the readings each one needs.
_FIELDS_OF: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "blood_pressure": ("systolic", "diastolic"),
        "heart_rate": ("heart_rate",),
        "spo2": ("spo2",),
    }
)
RATING_INSTRUMENTS: tuple[str, ...] = ("moaas", "dissociation")
DISCHARGE_ITEM_IDS: tuple[str, ...] = (
    "monitoring_time",
    "vitals",
    "sedation",
    "dissociation",
    "alert_oriented",
    "escort",
    "aftercare",
)
DueStatus = Literal["done", "due", "overdue", "upcoming"]
DUE_STATUSES: tuple[DueStatus, ...] = ("done", "due", "overdue", "upcoming")
DischargeStatus = Literal["met", "not_met", "not_answered"]
DISCHARGE_STATUSES: tuple[DischargeStatus, ...] = ("met", "not_met", "not_answered")
_T = TypeVar("_T")


class SessionRuleError(ValueError):
    """The session data is not valid, or an input is not one the session rules accept."""


# --- The data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VitalsTiming:
    """When a taken set counts for a due point, and when a due point turns overdue (minutes)."""

    window_before: int
    window_after: int
    grace: int
    predose_window: int
    sourced: Sourced


@dataclass(frozen=True)
class MeasureLimit:
    """A plausible range: a value outside is a typing error or a wrong unit, refused."""

    measure: str
    minimum: float
    maximum: float
    unit: str
    label: str


@dataclass(frozen=True)
class RatingRule:
    """Met by a rating at most `at_most` or at least `at_least` (exactly one is set)."""

    id: str
    instrument: str
    at_most: int | None
    at_least: int | None
    level: str
    message: str
    sourced: Sourced

    def met(self, score: int) -> bool:
        if self.at_most is not None:
            return score <= self.at_most
        return self.at_least is not None and score >= self.at_least

    def describe(self) -> str:
        if self.at_most is not None:
            return f"{self.instrument} at most {self.at_most}"
        return f"{self.instrument} at least {self.at_least}"


@dataclass(frozen=True)
class DischargeRule:
    id: str
    label: str
    sourced: Sourced
    within_minutes: int | None = None  # vitals: how recent the latest set must be
    resolved_at: int | None = None  # sedation: the MOAA/S that counts as resolved
    at_most: int | None = None  # dissociation: the highest rating that counts as resolved


@dataclass(frozen=True)
class Term:
    """A word the chart offers (side effect, severity grade, intervention, aftercare instruction).
    `source` is the display text (source, strength, and an "unverified" mark with its note)."""

    id: str
    label: str
    source: str
    verified: bool
    strength: str = ""
    note: str = ""
    description: str = ""
    routes: tuple[str, ...] = ()  # empty: every route
    # Severity grades: a patient's report of this grade is e-mailed to the care team at once.
    alerts_care_team: bool = False


@dataclass(frozen=True)
class SessionData:
    version: str
    title: str
    timing: VitalsTiming
    measures: Mapping[str, MeasureLimit]
    vital_limits: tuple[VitalLimit, ...]
    rating_rules: tuple[RatingRule, ...]
    discharge_rules: Mapping[str, DischargeRule]
    side_effects: tuple[Term, ...]
    severities: tuple[Term, ...]
    interventions: tuple[Term, ...]
    aftercare: tuple[Term, ...]


@dataclass(frozen=True)
class Alert:
    """One limit crossed by one entry. `measure` is the vital measure, or the instrument id for a
    rating; `rule` says what was crossed (e.g. "systolic pressure above 180 mmHg")."""

    id: str
    measure: str
    value: float
    level: str
    message: str
    source: str
    verified: bool
    rule: str = ""


@dataclass(frozen=True)
class VitalDue:
    minute: int  # minutes from the start of dosing; 0 is the pre-dose set
    label: str
    status: str  # "done" | "due" | "overdue" | "upcoming"
    taken_minute: float | None
    window_start: float = 0.0  # a set taken from window_start to window_end counts
    window_end: float = 0.0
    overdue_after: float = 0.0


@dataclass(frozen=True)
class DischargeInputs:
    minutes_since_dose_start: float | None
    last_vitals: Mapping[str, float]  # latest value per measure
    minutes_since_last_vitals: float | None
    last_sedation: int | None  # latest MOAA/S
    last_dissociation: int | None
    alert_and_oriented: bool | None
    escort_name: str
    aftercare_given: bool


@dataclass(frozen=True)
class DischargeItem:
    id: str
    label: str
    status: str  # "met" | "not_met" | "not_answered"
    detail: str
    source: str
    verified: bool


@dataclass(frozen=True)
class DischargeResult:
    items: tuple[DischargeItem, ...]
    ready: bool
    version: str

    def item(self, item_id: str) -> DischargeItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def describe_source(sourced: Sourced) -> str:
    """The display text of a source: "SOURCE (strength)", marked when unverified."""
    text = f"{sourced.source} ({sourced.strength})"
    return text if sourced.verified else f"{text} [unverified: {sourced.note}]"


# --- During: alerts ---------------------------------------------------------------------------------


def vital_alerts(protocol: Protocol, values: Mapping[str, float]) -> tuple[Alert, ...]:
    """The alerts one vitals set raises, most severe first. `values` by measure (systolic,
    diastolic, heart_rate, spo2, respiratory_rate; a measure not given, or None, is not checked). An unknown
    measure or an implausible value raises SessionRuleError naming it."""
    data = load_session()
    checked = _checked_values(values, data)
    try:
        crossed = protocol.alerts_crossed({m: v for m, v in checked.items() if m in MEASURES})
    except ProtocolError as error:
        raise SessionRuleError(str(error)) from None
    alerts = [
        _vital_alert(
            limit,
            checked[limit.measure],
            data,
            protocol.id,
            f"Protocol {protocol.id} {protocol.version}",
        )
        for limit in crossed
    ]
    alerts.extend(
        _vital_alert(limit, checked[limit.measure], data, "session", f"Session data {data.version}")
        for limit in data.vital_limits
        if limit.measure in checked and limit.crossed(checked[limit.measure])
    )
    return tuple(sorted(alerts, key=lambda alert: -LEVEL_RANK[alert.level]))


def rating_alerts(*, instrument_id: str, score: int) -> tuple[Alert, ...]:
    """The alerts a sedation (MOAA/S) or dissociation rating raises, most severe first. A rating out
    of the instrument's range raises SessionRuleError."""
    data = load_session()
    if instrument_id not in RATING_INSTRUMENTS:
        raise SessionRuleError(
            f"instrument_id: {instrument_id!r} is not one of {', '.join(RATING_INSTRUMENTS)}"
        )
    _check_rating("score", instrument_id, score)
    alerts = [
        Alert(
            id=rule.id,
            measure=instrument_id,
            value=float(score),
            level=rule.level,
            message=rule.message,
            source=describe_source(rule.sourced),
            verified=rule.sourced.verified,
            rule=rule.describe(),
        )
        for rule in data.rating_rules
        if rule.instrument == instrument_id and rule.met(score)
    ]
    return tuple(sorted(alerts, key=lambda alert: -LEVEL_RANK[alert.level]))


def _vital_alert(
    limit: VitalLimit, value: float, data: SessionData, prefix: str, origin: str
) -> Alert:
    direction, threshold = (
        ("above", limit.above) if limit.above is not None else ("below", limit.below)
    )
    assert threshold is not None
    measure = data.measures[limit.measure]
    return Alert(
        id=f"{prefix}.{limit.measure}.{direction}.{threshold:g}",
        measure=limit.measure,
        value=value,
        level=limit.level,
        message=limit.message,
        source=f"{origin}: {describe_source(limit.sourced)}",
        verified=limit.sourced.verified,
        rule=f"{measure.label} {direction} {_with_unit(threshold, measure.unit)}",
    )


def _checked_values(values: Mapping[str, float], data: SessionData) -> dict[str, float]:
    checked: dict[str, float] = {}
    for measure, value in values.items():
        if value is None:  # not measured (a nullable chart field)
            continue
        if measure not in data.measures:
            raise SessionRuleError(
                f"{measure}: not a measure (one of {', '.join(SESSION_MEASURES)})"
            )
        number = _finite(measure, value)
        limit = data.measures[measure]
        if not limit.minimum <= number <= limit.maximum:
            raise SessionRuleError(
                f"{measure}: {number:g} {limit.unit} is not a plausible {limit.label} "
                f"({limit.minimum:g}-{limit.maximum:g} {limit.unit}); check the reading and the unit"
            )
        checked[measure] = number
    return checked


def _check_rating(field: str, instrument_id: str, score: object) -> int:
    low, high = _instrument(instrument_id).total_range
    name = _instrument(instrument_id).abbreviation
    if isinstance(score, bool) or not isinstance(score, int):
        raise SessionRuleError(f"{field}: a {name} rating must be a whole number, got {score!r}")
    if not low <= score <= high:
        raise SessionRuleError(f"{field}: a {name} rating must be {low}-{high}, got {score}")
    return score


def _finite(field: str, value: object, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SessionRuleError(f"{field}: must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise SessionRuleError(f"{field}: must be {minimum:g} or more, got {value:g}")
    return float(value)


# --- During: timed vitals ---------------------------------------------------------------------------


def vitals_due(
    protocol: Protocol,
    *,
    dosing_minutes: float,
    elapsed_minutes: float,
    taken_minutes: Sequence[float],
    until_minutes: float,
) -> tuple[VitalDue, ...]:
    """Each due point of the protocol's vitals schedule with its status.

    Minutes count from the start of dosing (a set taken before it is negative). `dosing_minutes`
    is how long dosing lasts (an infusion's length; 0 for a single dose); `until_minutes` the planned
    end of monitoring, at least the protocol's minimum monitoring time: when the protocol asks for a
    set before discharge, that set is due then. A point is "done" when a set was taken in its window
    (session.toml [vitals_timing]; for the set before discharge, the discharge check's
    `within_minutes` before it); each set counts for at most one point, and a set taken exactly at
    a point counts for that point. Otherwise it is "upcoming" before its window opens, "due" until
    the grace time after it, "overdue" after that."""
    data = load_session()
    timing = data.timing
    dosing = _finite("dosing_minutes", dosing_minutes, minimum=0)
    elapsed = _finite("elapsed_minutes", elapsed_minutes)
    until = _finite("until_minutes", until_minutes)
    if until < protocol.minimum_monitoring_minutes:
        raise SessionRuleError(
            f"until_minutes: {until:g} is less than the protocol's minimum monitoring time "
            f"({protocol.minimum_monitoring_minutes} min)"
        )
    taken = [_finite(f"taken_minutes[{n}]", value) for n, value in enumerate(taken_minutes)]
    minutes = list(protocol.vitals.due_minutes(dosing_minutes=dosing, until_minutes=until))
    discharge_minute = math.floor(until) if protocol.vitals.before_discharge else None
    if discharge_minute is not None and discharge_minute not in minutes:
        minutes.append(discharge_minute)
    # How long before its point a set still counts: the pre-dose set, the set before discharge
    # (as recent as the discharge check asks), every other point.
    recent = data.discharge_rules["vitals"].within_minutes or timing.window_before
    ahead = {minute: timing.window_before for minute in minutes}
    if discharge_minute is not None:
        ahead[discharge_minute] = recent
    if 0 in ahead:
        ahead[0] = timing.predose_window
    windows = {minute: (minute - ahead[minute], minute + timing.window_after) for minute in minutes}
    matched = _match(windows, taken)
    result: list[VitalDue] = []
    for minute in sorted(minutes):
        start, end = windows[minute]
        overdue_after = minute + timing.grace
        status: DueStatus
        if minute in matched:
            status = "done"
        elif elapsed < start:
            status = "upcoming"
        elif elapsed <= overdue_after:
            status = "due"
        else:
            status = "overdue"
        result.append(
            VitalDue(
                minute=minute,
                label=_due_label(minute, dosing, discharge_minute),
                status=status,
                taken_minute=matched.get(minute),
                window_start=float(start),
                window_end=float(end),
                overdue_after=float(overdue_after),
            )
        )
    return tuple(result)


def _match(windows: Mapping[int, tuple[int, int]], taken: list[float]) -> dict[int, float]:
    """Pairs due points with taken sets, each set used once: first every set taken exactly at a
    point, then, by window end, the earliest unused set inside each remaining point's window."""
    unused = sorted(taken)
    matched: dict[int, float] = {}
    for minute in sorted(windows):
        if minute in unused:
            unused.remove(minute)
            matched[minute] = float(minute)
    for minute in sorted(windows, key=lambda m: (windows[m][1], m)):
        if minute in matched:
            continue
        start, end = windows[minute]
        for value in unused:
            if start <= value <= end:
                unused.remove(value)
                matched[minute] = value
                break
    return matched


def _due_label(minute: int, dosing: float, discharge_minute: int | None) -> str:
    if minute == 0:
        label = "Before dosing"
    elif minute <= dosing:
        label = f"{minute} min (during dosing)"
    else:
        label = f"{minute} min after the start of dosing"
    if minute == discharge_minute:
        label = "Before discharge" if minute == 0 else f"{label}; before discharge"
    return label


# --- After: discharge -------------------------------------------------------------------------------


def discharge_evaluate(protocol: Protocol, inputs: DischargeInputs) -> DischargeResult:
    """One item per discharge check (session.toml [[discharge_item]], in its order); ready only
    when every item is met. An unanswered check is "not_answered", which is never met."""
    data = load_session()
    items = tuple(
        _DISCHARGE_CHECKS[item_id](data.discharge_rules[item_id], protocol, inputs, data)
        for item_id in data.discharge_rules
    )
    return DischargeResult(
        items=items,
        ready=bool(items) and all(item.status == "met" for item in items),
        version=data.version,
    )


def _discharge_item(
    rule: DischargeRule,
    status: DischargeStatus,
    detail: str,
    extra: Sequence[tuple[str, Sourced]] = (),
) -> DischargeItem:
    sources = [
        describe_source(rule.sourced),
        *(f"{what}: {describe_source(s)}" for what, s in extra),
    ]
    verified = rule.sourced.verified and all(s.verified for _, s in extra)
    return DischargeItem(rule.id, rule.label, status, detail, "; ".join(sources), verified)


def _monitoring_time(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    extra = [(f"protocol {protocol.id} minimum", protocol.monitoring_sourced)]
    minimum = protocol.minimum_monitoring_minutes
    if inputs.minutes_since_dose_start is None:
        return _discharge_item(rule, "not_answered", "Dosing has not started.", extra)
    minutes = _finite("minutes_since_dose_start", inputs.minutes_since_dose_start, minimum=0)
    if minutes < minimum:
        return _discharge_item(
            rule,
            "not_met",
            f"{_whole(minutes)} of at least {minimum} min since the start of dosing "
            f"({_whole(minimum - minutes)} min to go).",
            extra,
        )
    return _discharge_item(
        rule, "met", f"{_whole(minutes)} min since the start of dosing (minimum {minimum}).", extra
    )


def _vitals(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    extra = [(f"limit {limit.measure}", limit.sourced) for limit in protocol.alert_limits]
    extra.extend((f"limit {limit.measure}", limit.sourced) for limit in data.vital_limits)
    if inputs.minutes_since_last_vitals is None or not inputs.last_vitals:
        return _discharge_item(rule, "not_answered", "No vital signs recorded.", extra)
    age = _finite("minutes_since_last_vitals", inputs.minutes_since_last_vitals, minimum=0)
    values = _checked_values(inputs.last_vitals, data)
    needed = [f for m in protocol.vitals.measures for f in _FIELDS_OF.get(m, (m,))]
    absent = [field for field in needed if field not in values]
    if absent:
        return _discharge_item(
            rule, "not_answered", f"Not recorded in the latest set: {', '.join(absent)}.", extra
        )
    reading = ", ".join(
        f"{data.measures[m].label} {_with_unit(values[m], data.measures[m].unit)}"
        for m in SESSION_MEASURES
        if m in values
    )
    assert rule.within_minutes is not None
    if age > rule.within_minutes:
        return _discharge_item(
            rule,
            "not_met",
            f"The latest set is {_whole(age)} min old; take a set (within {rule.within_minutes} "
            "min before discharge).",
            extra,
        )
    alerts = vital_alerts(protocol, values)
    if alerts:
        return _discharge_item(
            rule,
            "not_met",
            f"{reading}. Outside the limits: " + " ".join(alert.message for alert in alerts),
            extra,
        )
    return _discharge_item(
        rule, "met", f"{reading} ({_whole(age)} min ago): within the protocol's limits.", extra
    )


def _sedation(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    if inputs.last_sedation is None:
        return _discharge_item(rule, "not_answered", "No MOAA/S rating recorded.")
    score = _check_rating("last_sedation", "moaas", inputs.last_sedation)
    assert rule.resolved_at is not None
    label = _instrument("moaas").items[0].label_for(score)
    if score >= rule.resolved_at:
        return _discharge_item(rule, "met", f"MOAA/S {score}: {label}.")
    return _discharge_item(
        rule, "not_met", f"MOAA/S {score}: {label}. Resolved at {rule.resolved_at}."
    )


def _dissociation(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    if inputs.last_dissociation is None:
        return _discharge_item(rule, "not_answered", "No dissociation rating recorded.")
    score = _check_rating("last_dissociation", "dissociation", inputs.last_dissociation)
    assert rule.at_most is not None
    label = _instrument("dissociation").items[0].label_for(score)
    if score <= rule.at_most:
        return _discharge_item(rule, "met", f"Dissociation rating {score} ({label}).")
    return _discharge_item(
        rule,
        "not_met",
        f"Dissociation rating {score} ({label}); resolved at {rule.at_most} or lower.",
    )


def _alert_oriented(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    if inputs.alert_and_oriented is None:
        return _discharge_item(rule, "not_answered", "Not assessed.")
    if inputs.alert_and_oriented:
        return _discharge_item(rule, "met", "Alert and oriented.")
    return _discharge_item(rule, "not_met", "Not alert and oriented: keep monitoring.")


def _escort(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    name = inputs.escort_name.strip()
    if not name:
        return _discharge_item(
            rule, "not_answered", "No escort recorded as present: the patient may not leave alone."
        )
    return _discharge_item(rule, "met", f"Escort present: {name}.")


def _aftercare(
    rule: DischargeRule, protocol: Protocol, inputs: DischargeInputs, data: SessionData
) -> DischargeItem:
    if inputs.aftercare_given:
        return _discharge_item(rule, "met", "Aftercare instructions given.")
    return _discharge_item(rule, "not_met", "Aftercare instructions not yet given.")


_DischargeCheck = Callable[[DischargeRule, Protocol, DischargeInputs, SessionData], DischargeItem]
_DISCHARGE_CHECKS: Mapping[str, _DischargeCheck] = MappingProxyType(
    {
        "monitoring_time": _monitoring_time,
        "vitals": _vitals,
        "sedation": _sedation,
        "dissociation": _dissociation,
        "alert_oriented": _alert_oriented,
        "escort": _escort,
        "aftercare": _aftercare,
    }
)


def _with_unit(value: float, unit: str) -> str:
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}"


def _whole(minutes: float) -> str:
    return f"{minutes:.0f}" if minutes >= 1 or minutes == 0 else f"{minutes:.1f}"


# --- Vocabularies -----------------------------------------------------------------------------------


def side_effect_terms() -> tuple[Term, ...]:
    return load_session().side_effects


def severity_grades() -> tuple[Term, ...]:
    return load_session().severities


def interventions() -> tuple[Term, ...]:
    return load_session().interventions


def aftercare_instructions() -> tuple[Term, ...]:
    return load_session().aftercare


# --- Loading ----------------------------------------------------------------------------------------


@cache
def load_session() -> SessionData:
    return load_session_file(SESSION_FILE)


def load_session_file(path: Path) -> SessionData:
    """The session data, checked; raises SessionRuleError naming the file and the key."""
    return _guard(lambda: _read_session(path))


def _guard(read: Callable[[], _T]) -> _T:
    try:
        return read()
    except (RulePackError, ProtocolError, InstrumentDataError, AnswerError) as error:
        raise SessionRuleError(str(error)) from None


def _read_session(path: Path) -> SessionData:
    name = path.name
    try:
        with path.open("rb") as handle:
            raw: dict[str, Any] = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
        raise SessionRuleError(f"{name}: cannot be read ({error})") from None
    table = _Table(raw, name)
    timing = _read_timing(table.table("vitals_timing"), f"{name} [vitals_timing]")
    measures = _read_measures(table.table("measure"), f"{name} [measure]")
    vital_limits = tuple(
        _read_vital_limit(entry, f"{name} vital_limit {n}", measures)
        for n, entry in enumerate(table.tables("vital_limit"), start=1)
    )
    rating_rules = tuple(
        _read_rating_rule(entry, f"{name} rating_alert {n}")
        for n, entry in enumerate(table.tables("rating_alert"), start=1)
    )
    _unique((rule.id for rule in rating_rules), f"{name} rating_alert")
    discharge = _read_discharge(table.tables("discharge_item"), name)
    routes = load_rule_pack().routes
    data = SessionData(
        version=table.text("version"),
        title=table.text("title"),
        timing=timing,
        measures=measures,
        vital_limits=vital_limits,
        rating_rules=rating_rules,
        discharge_rules=discharge,
        side_effects=_read_terms(table, "side_effect", name, routes),
        severities=_read_terms(table, "severity", name, routes, description=True),
        interventions=_read_terms(table, "intervention", name, routes),
        aftercare=_read_terms(table, "aftercare", name, routes),
    )
    table.done()
    return data


def _sourced(table: _Table) -> Sourced:
    return _guard(lambda: _protocol_sourced(table))


def _minutes(table: _Table, key: str, *, minimum: int) -> int:
    value = table.integer(key)
    if value is None:
        raise SessionRuleError(f"{table.where}: {key} is missing")
    if value < minimum:
        raise SessionRuleError(f"{table.where}: {key} must be at least {minimum}")
    return value


def _read_timing(data: Mapping[str, Any], where: str) -> VitalsTiming:
    table = _Table(data, where)
    timing = VitalsTiming(
        window_before=_minutes(table, "window_before_minutes", minimum=0),
        window_after=_minutes(table, "window_after_minutes", minimum=0),
        grace=_minutes(table, "grace_minutes", minimum=0),
        predose_window=_minutes(table, "predose_window_minutes", minimum=0),
        sourced=_sourced(table),
    )
    table.done()
    return timing


def _read_measures(data: Mapping[str, Any], where: str) -> Mapping[str, MeasureLimit]:
    pack_limits = load_rule_pack().limits
    measures: dict[str, MeasureLimit] = {}
    for measure, pack_name in _PACK_LIMIT_OF.items():
        limit = pack_limits[pack_name]
        measures[measure] = MeasureLimit(
            measure, float(limit.minimum), float(limit.maximum), limit.unit, limit.label
        )
    for measure, entry in data.items():
        here = f"{where.removesuffix(']')}.{measure}]"
        if measure not in SESSION_MEASURES:
            raise SessionRuleError(
                f"{here}: {measure!r} is not a measure (one of {', '.join(SESSION_MEASURES)})"
            )
        if measure in measures:
            raise SessionRuleError(f"{here}: the rule pack's [limits] already holds {measure}")
        table = _Table(entry, here)
        minimum, maximum = float(table.number("min")), float(table.number("max"))
        if minimum >= maximum:
            raise SessionRuleError(f"{here}: min must be below max")
        measures[measure] = MeasureLimit(
            measure, minimum, maximum, table.text("unit"), table.text("label")
        )
        table.done()
    missing = [m for m in SESSION_MEASURES if m not in measures]
    if missing:
        raise SessionRuleError(f"{where}: no plausibility limits for {', '.join(missing)}")
    return MappingProxyType(measures)


def _read_vital_limit(
    data: Mapping[str, Any], where: str, measures: Mapping[str, MeasureLimit]
) -> VitalLimit:
    table = _Table(data, where)
    measure = table.text("measure")
    if measure not in measures:
        raise SessionRuleError(
            f"{where}: measure {measure!r} is not one of {', '.join(SESSION_MEASURES)}"
        )
    bounds = {key: table.data.get(key) for key in ("above", "below")}
    given = [key for key, value in bounds.items() if value is not None]
    if len(given) != 1:
        raise SessionRuleError(f"{where}: give exactly one of above or below")
    threshold = float(table.number(given[0]))
    level = table.text("level")
    if level not in LEVELS:
        raise SessionRuleError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    limit = VitalLimit(
        measure=measure,
        above=threshold if given[0] == "above" else None,
        below=threshold if given[0] == "below" else None,
        level=level,
        message=table.text("message"),
        sourced=_sourced(table),
    )
    table.done()
    return limit


def _read_rating_rule(data: Mapping[str, Any], where: str) -> RatingRule:
    table = _Table(data, where)
    rule_id = table.text("id")
    instrument_id = table.text("instrument")
    if instrument_id not in RATING_INSTRUMENTS:
        raise SessionRuleError(
            f"{where}: instrument {instrument_id!r} is not one of {', '.join(RATING_INSTRUMENTS)}"
        )
    inst = _instrument(instrument_id)
    flag = table.text("flag", default="")
    at_most = table.integer("at_most")
    at_least = table.integer("at_least")
    if sum(1 for given in (flag, at_most, at_least) if given not in ("", None)) != 1:
        raise SessionRuleError(f"{where}: give exactly one of flag, at_most or at_least")
    if flag:
        rules = [r for r in inst.flag_rules if r.flag == flag and r.item == 1]
        if not rules:
            raise SessionRuleError(
                f"{where}: flag {flag!r} is not an item flag of {inst.abbreviation} "
                f"(knowledge/instruments/{instrument_id}.toml)"
            )
        at_most, at_least = rules[0].at_most, rules[0].at_least
        if (at_most is None) == (at_least is None):
            raise SessionRuleError(f"{where}: flag {flag!r} needs exactly one of at_most/at_least")
    low, high = inst.total_range
    for key, value in (("at_most", at_most), ("at_least", at_least)):
        if value is not None and not low <= value <= high:
            raise SessionRuleError(
                f"{where}: {key} {value} is outside the {inst.abbreviation} range {low}-{high}"
            )
    level = table.text("level")
    if level not in LEVELS:
        raise SessionRuleError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    rule = RatingRule(
        id=rule_id,
        instrument=instrument_id,
        at_most=at_most,
        at_least=at_least,
        level=level,
        message=table.text("message"),
        sourced=_sourced(table),
    )
    table.done()
    return rule


def _read_discharge(entries: list[Mapping[str, Any]], name: str) -> Mapping[str, DischargeRule]:
    rules: dict[str, DischargeRule] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{name} discharge_item {n}"
        table = _Table(entry, where)
        item_id = table.text("id")
        if item_id not in DISCHARGE_ITEM_IDS:
            raise SessionRuleError(
                f"{where}: id {item_id!r} is not one of {', '.join(DISCHARGE_ITEM_IDS)}"
            )
        if item_id in rules:
            raise SessionRuleError(f"{where}: id {item_id!r} is used twice")
        within = resolved = at_most = None
        if item_id == "vitals":
            within = _minutes(table, "within_minutes", minimum=1)
        elif item_id == "sedation":
            resolved = _rating_value(table, "resolved_at", "moaas")
        elif item_id == "dissociation":
            at_most = _rating_value(table, "at_most", "dissociation")
        rules[item_id] = DischargeRule(
            id=item_id,
            label=table.text("label"),
            sourced=_sourced(table),
            within_minutes=within,
            resolved_at=resolved,
            at_most=at_most,
        )
        table.done()
    missing = [item_id for item_id in DISCHARGE_ITEM_IDS if item_id not in rules]
    if missing:
        raise SessionRuleError(f"{name}: no [[discharge_item]] for {', '.join(missing)}")
    return MappingProxyType(rules)


def _rating_value(table: _Table, key: str, instrument_id: str) -> int:
    value = table.integer(key)
    inst = _instrument(instrument_id)
    low, high = inst.total_range
    if value is None:
        raise SessionRuleError(f"{table.where}: {key} is missing")
    if not low <= value <= high:
        raise SessionRuleError(
            f"{table.where}: {key} {value} is outside the {inst.abbreviation} range {low}-{high}"
        )
    return value


def _read_terms(
    table: _Table,
    key: str,
    name: str,
    routes: Mapping[str, str],
    *,
    description: bool = False,
) -> tuple[Term, ...]:
    terms: list[Term] = []
    for n, entry in enumerate(table.tables(key), start=1):
        where = f"{name} {key} {n}"
        term_table = _Table(entry, where)
        term_routes = term_table.texts("routes")
        for route in term_routes:
            if route not in routes:
                raise SessionRuleError(f"{where}: route {route!r} is not in the rule pack")
        sourced = _sourced(term_table)
        terms.append(
            Term(
                id=term_table.text("id"),
                label=term_table.text("label"),
                source=describe_source(sourced),
                verified=sourced.verified,
                strength=sourced.strength,
                note=sourced.note,
                description=term_table.text("description")
                if description
                else term_table.text("description", default=""),
                routes=term_routes,
                alerts_care_team=term_table.boolean("alerts_care_team", default=False),
            )
        )
        term_table.done()
    if not terms:
        raise SessionRuleError(f"{name}: no [[{key}]] entries")
    _unique((term.id for term in terms), f"{name} {key}")
    return tuple(terms)


def _unique(ids: Iterable[str], where: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise SessionRuleError(f"{where}: id {item_id!r} is used twice")
        seen.add(item_id)


SESSION_DATA_VERSION: str = load_session().version
