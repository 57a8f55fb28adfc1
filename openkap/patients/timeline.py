"""The chart timeline. Each stage of care registers a source of entries; the chart merges them by time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.patients.models import Patient


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a short stage name: "registration", "screening", "session", ...
    title: str
    detail: str = ""


TimelineSource = Callable[[Patient], Iterable[TimelineEntry]]
# Each source with the permission needed to see its entries (None: anyone who may open the chart).
_sources: list[tuple[TimelineSource, Permission | None]] = []


@overload
def timeline_source(source: TimelineSource) -> TimelineSource: ...
@overload
def timeline_source(*, permission: Permission) -> Callable[[TimelineSource], TimelineSource]: ...
def timeline_source(
    source: TimelineSource | None = None, *, permission: Permission | None = None
) -> TimelineSource | Callable[[TimelineSource], TimelineSource]:
    """Register a source of chart entries; `permission` limits who sees them (minimum necessary)."""

    def register(function: TimelineSource) -> TimelineSource:
        _sources.append((function, permission))
        return function

    return register(source) if source is not None else register


def patient_timeline(patient: Patient, *, user: User) -> list[TimelineEntry]:
    entries = [
        entry
        for source, permission in _sources
        if permission is None or user_can(user, permission, patient.clinic_id)
        for entry in source(patient)
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@timeline_source
def _registration(patient: Patient) -> Iterable[TimelineEntry]:
    yield TimelineEntry(
        at=patient.created_at, kind="registration", title="Registered", detail=patient.mrn
    )


@timeline_source
def _support_persons(patient: Patient) -> Iterable[TimelineEntry]:
    for person in patient.support_persons.all():
        role = ", ".join(
            label
            for flag, label in (
                (person.is_escort, "escort"),
                (person.is_home_support, "home support"),
            )
            if flag
        )
        yield TimelineEntry(
            at=person.created_at,
            kind="support",
            title=f"Support person added: {person.name}",
            detail=f"{person.relationship}{' — ' + role if role else ''}",
        )
