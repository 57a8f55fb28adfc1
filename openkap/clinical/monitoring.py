"""Long-term safety monitoring for repeated dosing: which checks are due for a patient, and when.

The checks (bladder and urinary symptoms, liver tests, cognition), what each one is and its default
cadence come from knowledge/safety/monitoring.toml, each with its source and an "unverified" mark
where the interval is clinic policy. A clinic may set its own interval per check, within the file's
limits. Nothing here imports Django.

- `monitoring_checks()`: the checks, in the file's order; `monitoring_check(id)`: one of them.
- `checks_due(first_dose_on=..., last_done=..., today=..., intervals=...)`: one `CheckDue` per check
  for a patient on repeated dosing. The decision rule:
    - no dose yet (`first_dose_on` None): nothing is due (the patient is not on repeated dosing);
    - never done: due on the day of the first dose (the baseline, best done before it);
    - done: due `interval` days after the last result;
    - "upcoming" before the due day, "due" from it for `grace_days`, then "overdue".

Bad input (an unknown check, an interval outside the limits, a result dated after today) raises
`MonitoringError` naming the field; bad data is refused at load naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

MONITORING_FILE = Path(__file__).resolve().parent / "knowledge" / "safety" / "monitoring.toml"

DueStatus = Literal["upcoming", "due", "overdue"]
DUE_STATUSES: tuple[DueStatus, ...] = ("upcoming", "due", "overdue")
STRENGTHS = ("label", "consensus", "clinic_policy")


class MonitoringError(ValueError):
    """The monitoring data is not valid, or an input is not one the rule accepts."""


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    description: str
    instruments: str
    interval_days: int
    grace_days: int
    source: str
    strength: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class MonitoringData:
    version: str
    title: str
    checks: tuple[Check, ...]
    min_interval_days: int
    max_interval_days: int
    limits_source: str


@dataclass(frozen=True)
class CheckDue:
    check: Check
    status: DueStatus
    due_on: date
    last_done_on: date | None
    interval_days: int
    baseline: bool  # never done: the first (baseline) check
    days_late: int  # days since it was due (0 on the due day or before it)

    @property
    def days_overdue(self) -> int:
        return max(0, self.days_late - self.check.grace_days)


# --- The rule -------------------------------------------------------------------------------------


def checks_due(
    *,
    first_dose_on: date | None,
    last_done: Mapping[str, date | None],
    today: date,
    intervals: Mapping[str, int] | None = None,
    data: MonitoringData | None = None,
) -> tuple[CheckDue, ...]:
    """One entry per check for a patient on repeated dosing (none before the first dose)."""
    data = data or load_monitoring()
    known = {check.id for check in data.checks}
    for field, given in (("last_done", last_done), ("intervals", intervals or {})):
        unknown = sorted(set(given) - known)
        if unknown:
            raise MonitoringError(f"{field}: unknown check {', '.join(unknown)}.")
    chosen = {
        check.id: interval_checked(
            (intervals or {}).get(check.id, check.interval_days), check.id, data
        )
        for check in data.checks
    }
    for check_id, done_on in last_done.items():
        if done_on is not None and done_on > today:
            raise MonitoringError(f"last_done.{check_id}: a result cannot be dated after today.")
    if first_dose_on is None:
        return ()
    rows = []
    for check in data.checks:
        last = last_done.get(check.id)
        interval = chosen[check.id]
        due_on = first_dose_on if last is None else last + timedelta(days=interval)
        late = (today - due_on).days
        if late < 0:
            status: DueStatus = "upcoming"
        elif late <= check.grace_days:
            status = "due"
        else:
            status = "overdue"
        rows.append(
            CheckDue(
                check=check,
                status=status,
                due_on=due_on,
                last_done_on=last,
                interval_days=interval,
                baseline=last is None,
                days_late=max(0, late),
            )
        )
    return tuple(rows)


def interval_checked(value: object, check_id: str, data: MonitoringData | None = None) -> int:
    """A clinic's interval for a check, refused outside the file's limits."""
    data = data or load_monitoring()
    if isinstance(value, bool) or not isinstance(value, int):
        raise MonitoringError(f"intervals.{check_id}: a whole number of days.")
    if not data.min_interval_days <= value <= data.max_interval_days:
        raise MonitoringError(
            f"intervals.{check_id}: {value} days is outside "
            f"{data.min_interval_days}-{data.max_interval_days} days."
        )
    return value


def monitoring_checks() -> tuple[Check, ...]:
    return load_monitoring().checks


def monitoring_check(check_id: str) -> Check:
    for check in monitoring_checks():
        if check.id == check_id:
            return check
    raise MonitoringError(f"check: unknown check {check_id!r}.")


def describe_source(check: Check) -> str:
    """The display text: source, strength and, when not verified, the mark with its note."""
    text = f"{check.source} ({check.strength.replace('_', ' ')})"
    if not check.verified:
        text += f" [unverified: {check.note}]" if check.note else " [unverified]"
    return text


# --- Loading --------------------------------------------------------------------------------------


@cache
def load_monitoring() -> MonitoringData:
    return load_monitoring_file(MONITORING_FILE)


def load_monitoring_file(path: Path) -> MonitoringData:
    """The monitoring data, checked; raises MonitoringError naming the file and the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MonitoringError(f"{path.name}: {error}") from None
    return _read(raw, path.name)


def _read(raw: Mapping[str, Any], name: str) -> MonitoringData:
    limits = raw.get("limits")
    if not isinstance(limits, Mapping):
        raise MonitoringError(f"{name}: [limits] is missing.")
    low = _int(limits, "min_interval_days", f"{name} [limits]", minimum=1)
    high = _int(limits, "max_interval_days", f"{name} [limits]", minimum=low)
    _sourced(limits, f"{name} [limits]")
    raw_checks = raw.get("check")
    if not isinstance(raw_checks, list) or not raw_checks:
        raise MonitoringError(f"{name}: no [[check]].")
    checks = []
    seen: set[str] = set()
    for index, item in enumerate(raw_checks):
        where = f"{name} check[{index}]"
        check_id = _text(item, "id", where)
        if check_id in seen:
            raise MonitoringError(f"{where}.id: {check_id!r} appears twice.")
        seen.add(check_id)
        where = f"{name} check {check_id!r}"
        interval = _int(item, "interval_days", where, minimum=low)
        if interval > high:
            raise MonitoringError(f"{where}.interval_days: above max_interval_days ({high}).")
        source, strength, verified, note = _sourced(item, where)
        checks.append(
            Check(
                id=check_id,
                label=_text(item, "label", where),
                description=_text(item, "description", where),
                instruments=_text(item, "instruments", where),
                interval_days=interval,
                grace_days=_int(item, "grace_days", where, minimum=0),
                source=source,
                strength=strength,
                verified=verified,
                note=note,
            )
        )
    return MonitoringData(
        version=_text(raw, "version", name),
        title=_text(raw, "title", name),
        checks=tuple(checks),
        min_interval_days=low,
        max_interval_days=high,
        limits_source=str(limits["source"]),
    )


def _sourced(item: Mapping[str, Any], where: str) -> tuple[str, str, bool, str]:
    source = _text(item, "source", where)
    strength = _text(item, "strength", where)
    if strength not in STRENGTHS:
        raise MonitoringError(f"{where}.strength: one of {', '.join(STRENGTHS)}.")
    verified = item.get("verified")
    if not isinstance(verified, bool):
        raise MonitoringError(f"{where}.verified: true or false.")
    note = item.get("note", "")
    if not isinstance(note, str) or (not verified and not note.strip()):
        raise MonitoringError(f"{where}.note: an unverified entry says what to check.")
    return source, strength, verified, note


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MonitoringError(f"{where}.{key}: missing or empty.")
    return value


def _int(item: Mapping[str, Any], key: str, where: str, *, minimum: int) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise MonitoringError(f"{where}.{key}: a whole number of at least {minimum}.")
    return value
