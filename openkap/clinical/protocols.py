"""Treatment protocols: the knowledge data under knowledge/protocols/, read and checked.

One TOML file per protocol (docs/protocols.md describes the format): its route, settings and
indications, the dose rule and allowed range, the pre-dose limits and in-session alert limits, the
vitals schedule, the minimum monitoring time, the discharge criteria, and the schedule of
preparation, dosing, integration and reassessment events. Every part carries its source and
strength; `verified = false` marks what the research notes flag [VERIFY] / [UNVERIFIED] or what is
clinic policy without a published source.

`protocol(id)` reads the bundled protocols once (cached) and refuses them with a `ProtocolError`
naming the file and the key when anything is wrong: an unknown key, a bad value, a route or setting
the rule pack does not know, a dose range outside the route's range (knowledge/dosing/routes.toml).

`plan_schedule(id, sessions=...)` lays the series out as planned events in day order; the treatment
plan turns them into appointments.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from openkap.clinical.rulepack import (
    LEVELS,
    STRENGTHS,
    RulePackError,
    _Table,
    load_rule_pack,
)

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
PROTOCOL_DIR = KNOWLEDGE_DIR / "protocols"
ROUTES_FILE = KNOWLEDGE_DIR / "dosing" / "routes.toml"

DOSE_BASES: tuple[str, ...] = ("mg_per_kg", "mg")
INFUSION_MODES: tuple[str, ...] = ("required", "none")
MEASURES: tuple[str, ...] = ("systolic", "diastolic", "heart_rate", "spo2")
VITAL_MEASURES: tuple[str, ...] = ("blood_pressure", "heart_rate", "spo2")
INTEGRATION_CADENCES: tuple[str, ...] = ("after_each_dose", "none")
EVENT_KINDS: tuple[str, ...] = ("preparation", "dosing", "integration", "reassessment")
_KIND_ORDER = {kind: rank for rank, kind in enumerate(EVENT_KINDS)}
_DAYS_PER_WEEK = 7
_T = TypeVar("_T")


class ProtocolError(ValueError):
    """A protocol (or the route dose data) is not valid, or an unknown protocol was asked for."""


# --- The data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sourced:
    source: str
    strength: str
    verified: bool
    note: str


@dataclass(frozen=True)
class Range:
    minimum: float
    maximum: float
    unit: str
    sourced: Sourced

    def contains(self, value: float) -> bool:
        return self.minimum <= value <= self.maximum

    def describe(self) -> str:
        return f"{_number(self.minimum)}-{_number(self.maximum)} {self.unit}"


@dataclass(frozen=True)
class RouteDosing:
    """What a route allows: its dose ranges, infusion and volume rules (knowledge/dosing)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    infusion: str  # "required" | "none"
    diluent: bool
    concentration: bool
    device_mg: float | None
    mg_per_kg: Range | None
    mg: Range | None
    infusion_minutes: Range | None


@dataclass(frozen=True)
class DoseRule:
    basis: str  # "mg_per_kg" | "mg"
    default: float
    range: Range
    first_dose_mg: float | None
    sourced: Sourced


@dataclass(frozen=True)
class Infusion:
    minutes: float
    sourced: Sourced


@dataclass(frozen=True)
class VitalLimit:
    """Crossed when the measure is strictly above `above` or strictly below `below`."""

    measure: str
    above: float | None
    below: float | None
    level: str
    message: str
    sourced: Sourced

    def crossed(self, value: float) -> bool:
        return (self.above is not None and value > self.above) or (
            self.below is not None and value < self.below
        )


@dataclass(frozen=True)
class VitalsSchedule:
    measures: tuple[str, ...]
    before_dose: bool
    at_minutes: tuple[int, ...]
    every_minutes_during: int | None
    every_minutes_after: int | None
    before_discharge: bool
    sourced: Sourced

    def due_minutes(self, *, dosing_minutes: float, until_minutes: float) -> tuple[int, ...]:
        """Minutes after the start of dosing when vitals are due (0 = the pre-dose set), up to
        `until_minutes`: the fixed points, every N minutes while dosing lasts (an infusion) and
        every M minutes after it. The pre-discharge set is due when discharge is asked for."""
        due: set[int] = {0} if self.before_dose else set()
        due.update(m for m in self.at_minutes if m <= until_minutes)
        if self.every_minutes_during:
            due.update(range(0, int(dosing_minutes) + 1, self.every_minutes_during))
        if self.every_minutes_after:
            start = math.ceil(dosing_minutes)
            due.update(range(start, int(until_minutes) + 1, self.every_minutes_after))
        return tuple(sorted(m for m in due if m <= until_minutes))


@dataclass(frozen=True)
class Phase:
    name: str
    label: str
    weeks: int
    week_days: tuple[int, ...]
    every_weeks: int
    dose_mg: float | None

    def day_offsets(self) -> tuple[int, ...]:
        """Days from the phase's start of each dose in the phase."""
        return tuple(
            week * _DAYS_PER_WEEK + day
            for week in range(0, self.weeks, self.every_weeks)
            for day in self.week_days
        )

    @property
    def length_days(self) -> int:
        return self.weeks * _DAYS_PER_WEEK


@dataclass(frozen=True)
class Integration:
    cadence: str
    day_offset: int
    within_days: int
    sourced: Sourced


@dataclass(frozen=True)
class Reassessment:
    after_dose: int | None  # None: after the last dose
    days_after: int
    label: str


@dataclass(frozen=True)
class Schedule:
    preparation_days: tuple[int, ...]
    first_dose_day: int
    max_sessions: int
    phases: tuple[Phase, ...]
    integration: Integration
    reassessments: tuple[Reassessment, ...]
    maintenance: str
    maintenance_sourced: Sourced
    sourced: Sourced

    @property
    def default_sessions(self) -> int:
        return sum(len(phase.day_offsets()) for phase in self.phases)


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    version: str
    route: str
    settings: tuple[str, ...]
    indications: tuple[str, ...]
    summary: str
    sourced: Sourced
    dose: DoseRule
    infusion: Infusion | None
    predose_limits: tuple[VitalLimit, ...]
    alert_limits: tuple[VitalLimit, ...]
    vitals: VitalsSchedule
    minimum_monitoring_minutes: int
    monitoring_sourced: Sourced
    discharge_criteria: tuple[str, ...]
    discharge_sourced: Sourced
    schedule: Schedule

    def predose_crossed(self, values: Mapping[str, float]) -> tuple[VitalLimit, ...]:
        """The pre-dose limits the readings cross (`values` by measure: systolic, diastolic,
        heart_rate, spo2; a measure not given is not checked)."""
        return _crossed(self.predose_limits, values)

    def alerts_crossed(self, values: Mapping[str, float]) -> tuple[VitalLimit, ...]:
        """The in-session alert limits the readings cross."""
        return _crossed(self.alert_limits, values)

    @property
    def verified(self) -> bool:
        """True only when every sourced part of the protocol is verified."""
        parts = [
            self.sourced,
            self.dose.sourced,
            self.vitals.sourced,
            self.monitoring_sourced,
            self.discharge_sourced,
            self.schedule.sourced,
            self.schedule.integration.sourced,
            self.schedule.maintenance_sourced,
            *(limit.sourced for limit in (*self.predose_limits, *self.alert_limits)),
        ]
        if self.infusion is not None:
            parts.append(self.infusion.sourced)
        return all(part.verified for part in parts)


def _crossed(limits: tuple[VitalLimit, ...], values: Mapping[str, float]) -> tuple[VitalLimit, ...]:
    unknown = sorted(set(values) - set(MEASURES))
    if unknown:
        raise ProtocolError(f"{unknown[0]}: not a measure ({', '.join(MEASURES)})")
    return tuple(
        limit
        for limit in limits
        if limit.measure in values and limit.crossed(float(values[limit.measure]))
    )


@dataclass(frozen=True)
class PlannedEvent:
    kind: str  # "preparation" | "dosing" | "integration" | "reassessment"
    day: int  # days after the plan's start (0 = start)
    label: str
    dose_number: int | None = None
    dose_mg: float | None = None


# --- The public functions ---------------------------------------------------------------------------


def protocol_ids() -> tuple[str, ...]:
    return tuple(sorted(_load_protocols()))


def protocol(protocol_id: str) -> Protocol:
    protocols = _load_protocols()
    if protocol_id not in protocols:
        raise ProtocolError(
            f"protocol: unknown protocol {protocol_id!r} (known: {', '.join(sorted(protocols))})"
        )
    return protocols[protocol_id]


def route_dosing(route: str) -> RouteDosing:
    """A route's dose data, by id or alias."""
    routes = load_route_dosing()
    if route in routes:
        return routes[route]
    for entry in routes.values():
        if route in entry.aliases:
            return entry
    raise ProtocolError(
        f"route: no dose data for route {route!r} (known: {', '.join(sorted(routes))})"
    )


def plan_schedule(protocol_id: str, *, sessions: int | None = None) -> tuple[PlannedEvent, ...]:
    """The protocol's series as planned events in day order (preparation, dosing, integration after
    each dose when the protocol has it, reassessment points). `sessions` changes the number of
    dosing sessions (1 to the protocol's max_sessions): fewer cut the series short; more continue the
    last phase's pattern."""
    schedule = protocol(protocol_id).schedule
    first_dose_mg = protocol(protocol_id).dose.first_dose_mg
    count = schedule.default_sessions if sessions is None else sessions
    if isinstance(count, bool) or not isinstance(count, int):
        raise ProtocolError(f"sessions: must be a whole number, got {count!r}")
    if not 1 <= count <= schedule.max_sessions:
        raise ProtocolError(
            f"sessions: {count} is outside 1-{schedule.max_sessions} for protocol {protocol_id!r}"
        )
    doses = _dose_days(schedule, count)
    events: list[PlannedEvent] = [
        PlannedEvent(
            "preparation",
            day,
            "Preparation session" if len(schedule.preparation_days) == 1 else f"Preparation {n}",
        )
        for n, day in enumerate(schedule.preparation_days, start=1)
    ]
    for number, (day, phase) in enumerate(doses, start=1):
        dose_mg = first_dose_mg if number == 1 and first_dose_mg is not None else phase.dose_mg
        events.append(PlannedEvent("dosing", day, f"{phase.label}, dose {number}", number, dose_mg))
        if schedule.integration.cadence == "after_each_dose":
            events.append(
                PlannedEvent(
                    "integration",
                    day + schedule.integration.day_offset,
                    f"Integration after dosing session {number}",
                    number,
                )
            )
    for reassessment in schedule.reassessments:
        after = count if reassessment.after_dose is None else reassessment.after_dose
        if after > count:
            continue
        events.append(
            PlannedEvent(
                "reassessment",
                doses[after - 1][0] + reassessment.days_after,
                reassessment.label,
                after,
            )
        )
    return tuple(
        sorted(events, key=lambda e: (e.day, _KIND_ORDER[e.kind], e.dose_number or 0, e.label))
    )


def _dose_days(schedule: Schedule, count: int) -> list[tuple[int, Phase]]:
    days: list[tuple[int, Phase]] = []
    start = schedule.first_dose_day
    for phase in schedule.phases:
        days.extend((start + offset, phase) for offset in phase.day_offsets())
        start += phase.length_days
    last = schedule.phases[-1]
    while len(days) < count:  # continue the last phase's pattern
        days.extend((start + offset, last) for offset in last.day_offsets())
        start += last.length_days
    return days[:count]


# --- Loading ----------------------------------------------------------------------------------------


@cache
def load_route_dosing() -> Mapping[str, RouteDosing]:
    return MappingProxyType(_guard(partial(_read_routes, ROUTES_FILE)))


@cache
def _load_protocols() -> Mapping[str, Protocol]:
    return MappingProxyType(load_protocols_from(PROTOCOL_DIR))


def load_protocols_from(directory: Path) -> dict[str, Protocol]:
    """Every *.toml protocol in a folder, checked. Raises ProtocolError naming file and key."""
    routes = load_route_dosing()
    protocols: dict[str, Protocol] = {}
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise ProtocolError(f"{directory}: no protocol files")
    for path in paths:
        item = _guard(partial(_read_protocol, path, routes))
        if item.id in protocols:
            raise ProtocolError(f"{path.name}: protocol id {item.id!r} is used twice")
        protocols[item.id] = item
    return protocols


def load_protocol_file(path: Path) -> Protocol:
    """One protocol file, checked (for tests and for a clinic's own protocols)."""
    return _guard(partial(_read_protocol, path, load_route_dosing()))


def _guard(read: Callable[[], _T]) -> _T:
    try:
        result = read()
    except RulePackError as error:
        raise ProtocolError(str(error)) from None
    return result


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ProtocolError(f"{path.name}: missing from {path.parent}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"{path.name}: not valid TOML ({error})") from None


def _sourced(table: _Table) -> Sourced:
    strength = table.text("strength")
    if strength not in STRENGTHS:
        raise ProtocolError(
            f"{table.where}: strength {strength!r} is not one of {', '.join(STRENGTHS)}"
        )
    verified = table.boolean("verified", default=False)
    note = table.text("note", default="")
    if not verified and not note.strip():
        raise ProtocolError(f"{table.where}: verified = false needs a note saying what to check")
    return Sourced(table.text("source"), strength, verified, note)


def _positive(table: _Table, key: str) -> float:
    value = table.number(key)
    if value <= 0:
        raise ProtocolError(f"{table.where}: {key} must be above 0")
    return float(value)


def _optional_positive(table: _Table, key: str) -> float | None:
    return None if table.data.get(key) is None else _positive(table, key)


def _count(table: _Table, key: str, *, minimum: int, default: int | None = None) -> int:
    value = table.integer(key)
    if value is None:
        if default is None:
            raise ProtocolError(f"{table.where}: {key} is missing")
        return default
    if value < minimum:
        raise ProtocolError(f"{table.where}: {key} must be at least {minimum}")
    return value


def _range(entry: Any, where: str, unit: str) -> Range:
    table = _Table(entry, where)
    minimum = _positive(table, "min")
    maximum = _positive(table, "max")
    if minimum > maximum:
        raise ProtocolError(f"{where}: min must not be above max")
    result = Range(minimum, maximum, unit, _sourced(table))
    table.done()
    return result


def _read_routes(path: Path) -> dict[str, RouteDosing]:
    data = dict(_read_toml(path))
    name = path.name
    top = _Table({"version": data.pop("version", None)}, name)
    top.text("version")
    top.done()
    known_routes = load_rule_pack().routes
    routes: dict[str, RouteDosing] = {}
    seen_names: set[str] = set()
    for route_id, entry in data.items():
        where = f"{name} [{route_id}]"
        if route_id not in known_routes:
            raise ProtocolError(f"{where}: route {route_id!r} is not in the rule pack's routes")
        table = _Table(entry, where)
        aliases = table.texts("aliases")
        for alias in (route_id, *aliases):
            if alias in seen_names:
                raise ProtocolError(f"{where}: name {alias!r} is used twice")
            seen_names.add(alias)
        infusion = table.text("infusion")
        if infusion not in INFUSION_MODES:
            raise ProtocolError(
                f"{where}: infusion {infusion!r} is not one of {', '.join(INFUSION_MODES)}"
            )
        mg_per_kg = table.optional_table("mg_per_kg")
        mg = table.optional_table("mg")
        minutes = table.optional_table("infusion_minutes")
        route = RouteDosing(
            id=route_id,
            name=table.text("name"),
            aliases=aliases,
            infusion=infusion,
            diluent=table.boolean("diluent", default=False),
            concentration=table.boolean("concentration", default=False),
            device_mg=_optional_positive(table, "device_mg"),
            mg_per_kg=None
            if mg_per_kg is None
            else _range(mg_per_kg, f"{where}.mg_per_kg", "mg/kg"),
            mg=None if mg is None else _range(mg, f"{where}.mg", "mg"),
            infusion_minutes=(
                None if minutes is None else _range(minutes, f"{where}.infusion_minutes", "min")
            ),
        )
        table.done()
        if route.mg_per_kg is None and route.mg is None:
            raise ProtocolError(f"{where}: needs a [mg_per_kg] or [mg] range")
        if route.device_mg is not None and route.mg is not None:
            for bound in (route.mg.minimum, route.mg.maximum):
                if not _is_multiple(bound, route.device_mg):
                    raise ProtocolError(
                        f"{where}.mg: {_number(bound)} mg is not a whole number of "
                        f"{_number(route.device_mg)} mg devices"
                    )
        if route.diluent and not route.concentration:
            raise ProtocolError(f"{where}: diluent = true needs concentration = true")
        routes[route_id] = route
    if not routes:
        raise ProtocolError(f"{name}: no routes")
    return routes


def _read_protocol(path: Path, routes: Mapping[str, RouteDosing]) -> Protocol:
    name = path.name
    table = _Table(_read_toml(path), name)
    protocol_id = table.text("id")
    if protocol_id != path.stem:
        raise ProtocolError(f"{name}: id {protocol_id!r} must match the file name {path.stem!r}")
    pack = load_rule_pack()
    route = table.text("route")
    if route not in routes:
        raise ProtocolError(
            f"{name}: route {route!r} has no dose data (known: {', '.join(routes)})"
        )
    settings = table.texts("settings", required=True)
    for setting in settings:
        if setting not in pack.settings:
            raise ProtocolError(
                f"{name}: setting {setting!r} is not one of {', '.join(pack.settings)}"
            )
    route_data = routes[route]
    dose = _read_dose(table.table("dose"), f"{name} [dose]", route_data)
    infusion_data = table.optional_table("infusion")
    infusion = None
    if infusion_data is not None:
        where = f"{name} [infusion]"
        infusion_table = _Table(infusion_data, where)
        infusion = Infusion(_positive(infusion_table, "minutes"), _sourced(infusion_table))
        infusion_table.done()
        if route_data.infusion != "required":
            raise ProtocolError(f"{where}: route {route!r} is not infused")
        if route_data.infusion_minutes and not route_data.infusion_minutes.contains(
            infusion.minutes
        ):
            raise ProtocolError(
                f"{where}: minutes {_number(infusion.minutes)} is outside the route's "
                f"{route_data.infusion_minutes.describe()}"
            )
    elif route_data.infusion == "required":
        raise ProtocolError(f"{name}: [infusion] is missing (route {route!r} is infused)")
    predose = tuple(
        _read_limit(raw, f"{name} predose_limit {n}")
        for n, raw in enumerate(table.tables("predose_limit"), start=1)
    )
    alerts = tuple(
        _read_limit(raw, f"{name} alert_limit {n}")
        for n, raw in enumerate(table.tables("alert_limit"), start=1)
    )
    vitals = _read_vitals(table.table("vitals"), f"{name} [vitals]")
    monitoring = _Table(table.table("monitoring"), f"{name} [monitoring]")
    minimum_minutes = _count(monitoring, "minimum_minutes", minimum=0)
    monitoring_sourced = _sourced(monitoring)
    monitoring.done()
    discharge = _Table(table.table("discharge"), f"{name} [discharge]")
    criteria = discharge.texts("criteria", required=True)
    discharge_sourced = _sourced(discharge)
    discharge.done()
    schedule = _read_schedule(table.table("schedule"), f"{name} [schedule]", route_data)
    result = Protocol(
        id=protocol_id,
        name=table.text("name"),
        version=table.text("version"),
        route=route,
        settings=settings,
        indications=table.texts("indications", required=True),
        summary=table.text("summary"),
        sourced=_sourced(table),
        dose=dose,
        infusion=infusion,
        predose_limits=predose,
        alert_limits=alerts,
        vitals=vitals,
        minimum_monitoring_minutes=minimum_minutes,
        monitoring_sourced=monitoring_sourced,
        discharge_criteria=criteria,
        discharge_sourced=discharge_sourced,
        schedule=schedule,
    )
    table.done()
    return result


def _read_dose(data: Mapping[str, Any], where: str, route: RouteDosing) -> DoseRule:
    table = _Table(data, where)
    basis = table.text("basis")
    if basis not in DOSE_BASES:
        raise ProtocolError(f"{where}: basis {basis!r} is not one of {', '.join(DOSE_BASES)}")
    unit = "mg/kg" if basis == "mg_per_kg" else "mg"
    default = _positive(table, "default")
    minimum = _positive(table, "min")
    maximum = _positive(table, "max")
    first_dose = _optional_positive(table, "first_dose")
    sourced = _sourced(table)
    table.done()
    if not minimum <= default <= maximum:
        raise ProtocolError(f"{where}: default must lie within min-max")
    route_range = route.mg_per_kg if basis == "mg_per_kg" else route.mg
    if route_range is None:
        raise ProtocolError(f"{where}: route {route.id!r} has no {unit} range; basis {basis!r}")
    if minimum < route_range.minimum or maximum > route_range.maximum:
        raise ProtocolError(
            f"{where}: range {_number(minimum)}-{_number(maximum)} {unit} lies outside the "
            f"route's {route_range.describe()} (a protocol may narrow the route's range, not widen it)"
        )
    if first_dose is not None:
        if basis != "mg":
            raise ProtocolError(f"{where}: first_dose (mg) needs basis = 'mg'")
        if not minimum <= first_dose <= maximum:
            raise ProtocolError(f"{where}: first_dose must lie within min-max")
    if route.device_mg is not None:
        for key, value in (("default", default), ("min", minimum), ("max", maximum)):
            if not _is_multiple(value, route.device_mg):
                raise ProtocolError(
                    f"{where}: {key} {_number(value)} mg is not a whole number of "
                    f"{_number(route.device_mg)} mg devices"
                )
    return DoseRule(basis, default, Range(minimum, maximum, unit, sourced), first_dose, sourced)


def _read_limit(data: Mapping[str, Any], where: str) -> VitalLimit:
    table = _Table(data, where)
    measure = table.text("measure")
    if measure not in MEASURES:
        raise ProtocolError(f"{where}: measure {measure!r} is not one of {', '.join(MEASURES)}")
    above = _optional_positive(table, "above")
    below = _optional_positive(table, "below")
    if (above is None) == (below is None):
        raise ProtocolError(f"{where}: give exactly one of above or below")
    level = table.text("level")
    if level not in LEVELS:
        raise ProtocolError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    limit = VitalLimit(measure, above, below, level, table.text("message"), _sourced(table))
    table.done()
    return limit


def _read_vitals(data: Mapping[str, Any], where: str) -> VitalsSchedule:
    table = _Table(data, where)
    measures = table.texts("measures", required=True)
    for measure in measures:
        if measure not in VITAL_MEASURES:
            raise ProtocolError(
                f"{where}: measure {measure!r} is not one of {', '.join(VITAL_MEASURES)}"
            )
    at_minutes = _integers(table, "at_minutes", minimum=1)
    every_during = table.integer("every_minutes_during")
    every_after = table.integer("every_minutes_after")
    for key, value in (
        ("every_minutes_during", every_during),
        ("every_minutes_after", every_after),
    ):
        if value is not None and value < 1:
            raise ProtocolError(f"{where}: {key} must be at least 1")
    vitals = VitalsSchedule(
        measures=measures,
        before_dose=table.boolean("before_dose", default=False),
        at_minutes=at_minutes,
        every_minutes_during=every_during,
        every_minutes_after=every_after,
        before_discharge=table.boolean("before_discharge", default=False),
        sourced=_sourced(table),
    )
    table.done()
    if not vitals.before_dose:
        raise ProtocolError(f"{where}: before_dose must be true (the pre-dose gate needs vitals)")
    return vitals


def _integers(table: _Table, key: str, *, minimum: int) -> tuple[int, ...]:
    value = table._get(key)
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in value)
        or value != sorted(set(value))
    ):
        raise ProtocolError(
            f"{table.where}: {key} must be a rising list of whole numbers from {minimum}"
        )
    return tuple(value)


def _read_schedule(data: Mapping[str, Any], where: str, route: RouteDosing) -> Schedule:
    table = _Table(data, where)
    preparation_days = _integers(table, "preparation_days", minimum=0)
    first_dose_day = _count(table, "first_dose_day", minimum=0)
    if preparation_days and preparation_days[-1] > first_dose_day:
        raise ProtocolError(f"{where}: preparation_days must come before first_dose_day")
    max_sessions = _count(table, "max_sessions", minimum=1)
    phases = tuple(
        _read_phase(raw, f"{where} phase {n}", route)
        for n, raw in enumerate(table.tables("phase"), start=1)
    )
    if not phases:
        raise ProtocolError(f"{where}: at least one [[schedule.phase]] is needed")
    integration = _read_integration(table.table("integration"), f"{where} [integration]")
    reassessments = tuple(
        _read_reassessment(raw, f"{where} reassessment {n}")
        for n, raw in enumerate(table.tables("reassessment"), start=1)
    )
    maintenance_table = _Table(table.table("maintenance"), f"{where} [maintenance]")
    maintenance = maintenance_table.text("description")
    maintenance_sourced = _sourced(maintenance_table)
    maintenance_table.done()
    schedule = Schedule(
        preparation_days=preparation_days,
        first_dose_day=first_dose_day,
        max_sessions=max_sessions,
        phases=phases,
        integration=integration,
        reassessments=reassessments,
        maintenance=maintenance,
        maintenance_sourced=maintenance_sourced,
        sourced=_sourced(table),
    )
    table.done()
    if schedule.default_sessions > max_sessions:
        raise ProtocolError(f"{where}: the phases hold more doses than max_sessions")
    for reassessment in reassessments:
        if reassessment.after_dose is not None and reassessment.after_dose > max_sessions:
            raise ProtocolError(f"{where}: a reassessment comes after dose beyond max_sessions")
    return schedule


def _read_phase(data: Mapping[str, Any], where: str, route: RouteDosing) -> Phase:
    table = _Table(data, where)
    week_days = _integers(table, "week_days", minimum=0)
    if not week_days or week_days[-1] >= _DAYS_PER_WEEK:
        raise ProtocolError(f"{where}: week_days must hold days 0-6")
    phase = Phase(
        name=table.text("name"),
        label=table.text("label"),
        weeks=_count(table, "weeks", minimum=1),
        week_days=week_days,
        every_weeks=_count(table, "every_weeks", minimum=1, default=1),
        dose_mg=_optional_positive(table, "dose_mg"),
    )
    table.done()
    if phase.every_weeks > phase.weeks:
        raise ProtocolError(f"{where}: every_weeks must not exceed weeks")
    if phase.dose_mg is not None:
        if route.mg is None or not route.mg.contains(phase.dose_mg):
            raise ProtocolError(f"{where}: dose_mg lies outside the route's mg range")
        if route.device_mg is not None and not _is_multiple(phase.dose_mg, route.device_mg):
            raise ProtocolError(f"{where}: dose_mg is not a whole number of devices")
    return phase


def _read_integration(data: Mapping[str, Any], where: str) -> Integration:
    table = _Table(data, where)
    cadence = table.text("cadence")
    if cadence not in INTEGRATION_CADENCES:
        raise ProtocolError(
            f"{where}: cadence {cadence!r} is not one of {', '.join(INTEGRATION_CADENCES)}"
        )
    if cadence == "after_each_dose":
        day_offset = _count(table, "day_offset", minimum=0)
        within_days = _count(table, "within_days", minimum=0)
        if day_offset > within_days:
            raise ProtocolError(f"{where}: day_offset must not exceed within_days")
    else:
        day_offset = within_days = 0
    integration = Integration(cadence, day_offset, within_days, _sourced(table))
    table.done()
    return integration


def _read_reassessment(data: Mapping[str, Any], where: str) -> Reassessment:
    table = _Table(data, where)
    after_last = table.boolean("after_last_dose", default=False)
    after_dose = table.integer("after_dose")
    if after_last == (after_dose is not None):
        raise ProtocolError(f"{where}: give exactly one of after_dose or after_last_dose = true")
    if after_dose is not None and after_dose < 1:
        raise ProtocolError(f"{where}: after_dose must be at least 1")
    reassessment = Reassessment(
        after_dose, _count(table, "days_after", minimum=0), table.text("label")
    )
    table.done()
    return reassessment


def _is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return math.isclose(ratio, round(ratio), rel_tol=0, abs_tol=1e-9) and round(ratio) >= 1


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
