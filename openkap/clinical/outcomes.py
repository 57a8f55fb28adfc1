"""Measurement-based care: which questionnaires are due when, and how a series of scores reads.

The rules are data (``knowledge/outcomes/schedule.toml``: instruments by indication, the time points,
the relapse rule, each with its source and strength); the instruments' bands, response fraction and
remission threshold come from their own files (``instruments.py``). No Django, no clinical number
of its own.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from openkap.clinical import instruments

SCHEDULE_PATH = Path(__file__).resolve().parent / "knowledge" / "outcomes" / "schedule.toml"

# Why a questionnaire is due, in the order that wins when two fall at the same moment.
REASONS = ("reassessment", "before_dosing", "day_after", "weekly")
REASON_LABELS = {
    "reassessment": "Reassessment",
    "before_dosing": "Before a dosing session",
    "day_after": "The day after a dosing session",
    "weekly": "Weekly check-in",
    "clinician": "Given by the clinic",
}


class ScheduleDataError(ValueError):
    """The schedule file is malformed: the message names the key."""


@dataclass(frozen=True)
class Rule:
    name: str
    prefixes: tuple[str, ...]
    instruments: tuple[str, ...]
    source: str
    strength: str
    verified: bool


@dataclass(frozen=True)
class Timing:
    before_dosing_hours: int
    day_after_hours: int
    weekly_days: int
    weekly_skip_within_days: int
    reassessment_hours: int
    source: str
    strength: str
    verified: bool


@dataclass(frozen=True)
class RelapseRule:
    consecutive: int
    source: str
    strength: str
    verified: bool

    def describe(self) -> str:
        return (
            f"After a response, {self.consecutive} consecutive administrations above the response "
            "threshold"
        )


@dataclass(frozen=True)
class Schedule:
    version: str
    always: Rule
    indications: tuple[Rule, ...]
    timing: Timing
    relapse: RelapseRule


@dataclass(frozen=True)
class Visit:
    """An appointment of the plan, as the schedule needs it."""

    kind: str  # "dosing", "reassessment", or any other appointment kind (ignored)
    starts_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Due:
    instrument: str
    due_at: datetime
    reason: str
    appointment_id: int | None
    source: str


@dataclass(frozen=True)
class Point:
    total: int
    severity: str | None
    baseline: bool
    response: bool
    remission: bool
    relapse: bool


@dataclass(frozen=True)
class Trajectory:
    instrument: str
    baseline: int | None
    # The highest total that is still a response (None without a baseline or a response rule).
    response_at_most: Fraction | None
    points: tuple[Point, ...]
    relapse_rule: RelapseRule

    @property
    def relapses(self) -> tuple[int, ...]:
        return tuple(i for i, p in enumerate(self.points) if p.relapse)


# --- reading the data ---------------------------------------------------------------------------


@functools.cache
def schedule() -> Schedule:
    return load_schedule(SCHEDULE_PATH)


def load_schedule(path: Path) -> Schedule:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    if data.get("schema") != 1:
        raise ScheduleDataError(f"{path.name}: schema must be 1")
    known = set(instruments.instrument_ids())
    always = _rule(data.get("always"), "always", known, prefixes=False)
    rules = tuple(
        _rule(raw, f"indications[{i}]", known, prefixes=True)
        for i, raw in enumerate(data.get("indications", []))
    )
    timing = data.get("timing")
    if not isinstance(timing, dict):
        raise ScheduleDataError(f"{path.name}: [timing] is missing")
    numbers = {
        key: _non_negative(timing, key)
        for key in (
            "before_dosing_hours",
            "day_after_hours",
            "weekly_days",
            "weekly_skip_within_days",
            "reassessment_hours",
        )
    }
    if numbers["weekly_days"] < 1:
        raise ScheduleDataError("timing.weekly_days must be at least 1")
    relapse = data.get("relapse")
    if not isinstance(relapse, dict):
        raise ScheduleDataError(f"{path.name}: [relapse] is missing")
    consecutive = _non_negative(relapse, "consecutive")
    if consecutive < 1:
        raise ScheduleDataError("relapse.consecutive must be at least 1")
    return Schedule(
        version=str(data.get("version", "")),
        always=always,
        indications=rules,
        timing=Timing(
            before_dosing_hours=numbers["before_dosing_hours"],
            day_after_hours=numbers["day_after_hours"],
            weekly_days=numbers["weekly_days"],
            weekly_skip_within_days=numbers["weekly_skip_within_days"],
            reassessment_hours=numbers["reassessment_hours"],
            **_provenance(timing, "timing"),
        ),
        relapse=RelapseRule(consecutive=consecutive, **_provenance(relapse, "relapse")),
    )


def _provenance(raw: dict[str, Any], where: str) -> dict[str, Any]:
    source, strength, verified = raw.get("source"), raw.get("strength"), raw.get("verified")
    if not isinstance(source, str) or not source:
        raise ScheduleDataError(f"{where}.source is missing")
    if strength not in instruments.STRENGTHS:
        raise ScheduleDataError(f"{where}.strength must be one of {instruments.STRENGTHS}")
    if not isinstance(verified, bool):
        raise ScheduleDataError(f"{where}.verified must be true or false")
    return {"source": source, "strength": strength, "verified": verified}


def _non_negative(raw: dict[str, Any], key: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScheduleDataError(f"{key} must be a whole number of 0 or more")
    return value


def _rule(raw: Any, where: str, known: set[str], *, prefixes: bool) -> Rule:
    if not isinstance(raw, dict):
        raise ScheduleDataError(f"{where} is missing")
    names = raw.get("instruments")
    if not isinstance(names, list) or not names:
        raise ScheduleDataError(f"{where}.instruments must be a non-empty list")
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ScheduleDataError(f"{where}.instruments: unknown instrument(s) {unknown}")
    codes = raw.get("prefixes", [])
    if prefixes and (not isinstance(codes, list) or not codes):
        raise ScheduleDataError(f"{where}.prefixes must be a non-empty list")
    return Rule(
        name=str(raw.get("name", where)),
        prefixes=tuple(str(code).upper() for code in codes),
        instruments=tuple(names),
        **_provenance(raw, where),
    )


# --- the schedule ---------------------------------------------------------------------------------


def instruments_for(indication_code: str) -> tuple[str, ...]:
    """The instruments for a plan's indication: the "always" ones, then each matching rule's, in the
    order of the file, without repeats."""
    data = schedule()
    code = indication_code.strip().upper()
    chosen: list[str] = list(data.always.instruments)
    for rule in data.indications:
        if any(code.startswith(prefix) for prefix in rule.prefixes):
            chosen.extend(rule.instruments)
    return tuple(dict.fromkeys(chosen))


def questionnaires_due(
    *, indication_code: str, start: datetime, appointments: Sequence[Visit]
) -> tuple[Due, ...]:
    """Every questionnaire the plan calls for, sorted by due time: for each instrument, one before
    and one the day after each dosing session, one at each reassessment, and one a week from
    ``start`` until the last appointment unless that instrument is already due within a few days
    of that week's date. Two entries for one instrument at the same moment count once (the reason
    earlier in REASONS wins)."""
    data = schedule()
    timing = data.timing
    hours = timedelta(hours=1)
    dues: dict[tuple[str, datetime], Due] = {}

    def add(instrument: str, at: datetime, reason: str, appointment_id: int | None) -> None:
        key = (instrument, at)
        current = dues.get(key)
        if current is None or REASONS.index(reason) < REASONS.index(current.reason):
            dues[key] = Due(instrument, at, reason, appointment_id, timing.source)

    chosen = instruments_for(indication_code)
    for visit in appointments:
        for instrument in chosen:
            if visit.kind == "dosing":
                add(
                    instrument,
                    visit.starts_at - timing.before_dosing_hours * hours,
                    "before_dosing",
                    visit.id,
                )
                add(
                    instrument,
                    visit.starts_at + timing.day_after_hours * hours,
                    "day_after",
                    visit.id,
                )
            elif visit.kind == "reassessment":
                add(
                    instrument,
                    visit.starts_at + timing.reassessment_hours * hours,
                    "reassessment",
                    visit.id,
                )
    if appointments:
        last = max(visit.starts_at for visit in appointments)
        window = timedelta(days=timing.weekly_skip_within_days)
        week = start + timedelta(days=timing.weekly_days)
        while week <= last:
            for instrument in chosen:
                near = any(key[0] == instrument and abs(key[1] - week) < window for key in dues)
                if not near:
                    add(instrument, week, "weekly", None)
            week += timedelta(days=timing.weekly_days)
    return tuple(sorted(dues.values(), key=lambda d: (d.due_at, d.instrument, d.reason)))


# --- reading a series of scores ---------------------------------------------------------------------


def trajectory(instrument_id: str, totals: Sequence[int]) -> Trajectory:
    """Mark a patient's totals on one instrument, oldest first: the first is the baseline; a
    response is a fall of at least the instrument's response fraction from it; remission is the
    instrument's threshold; a relapse follows the schedule file's rule."""
    inst = instruments.instrument(instrument_id)
    rule = schedule().relapse
    low, high = inst.total_range
    for total in totals:
        if isinstance(total, bool) or not isinstance(total, int) or not low <= total <= high:
            raise instruments.AnswerError(
                "total",
                f"total: {inst.abbreviation} totals run from {low} to {high}, got {total!r}",
            )
    if not totals:
        return Trajectory(inst.id, None, None, (), rule)
    baseline = totals[0]
    at_most: Fraction | None = None
    if inst.response_fraction is not None and baseline > 0:
        at_most = Fraction(baseline) * (1 - inst.response_fraction)
    points: list[Point] = []
    responded = False
    above = 0
    for index, total in enumerate(totals):
        response = index > 0 and at_most is not None and total <= at_most
        relapse = False
        if response:
            responded, above = True, 0
        elif responded:
            above += 1
            if above >= rule.consecutive:
                relapse, responded, above = True, False, 0
        points.append(
            Point(
                total=total,
                severity=inst.severity_for(total),
                baseline=index == 0,
                response=response,
                remission=inst.remission is not None and inst.remission.met(total),
                relapse=relapse,
            )
        )
    return Trajectory(inst.id, baseline, at_most, tuple(points), rule)
