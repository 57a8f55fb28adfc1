"""The chart timeline. Each stage of care registers a source of entries; the chart merges them by time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from openkap.patients.models import Patient


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a short stage name: "registration", "screening", "session", ...
    title: str
    detail: str = ""


TimelineSource = Callable[[Patient], Iterable[TimelineEntry]]
_sources: list[TimelineSource] = []


def timeline_source(source: TimelineSource) -> TimelineSource:
    _sources.append(source)
    return source


def patient_timeline(patient: Patient) -> list[TimelineEntry]:
    entries = [entry for source in _sources for entry in source(patient)]
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
