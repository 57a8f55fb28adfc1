"""Published figures the clinic's reports are shown beside, as data (knowledge/reports/published.toml).

Pure Python, no Django. Each figure carries its study (citation, population, where it is quoted) and
whether its value was seen in a source, so a page can mark the unverified ones.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PUBLISHED_PATH = Path(__file__).resolve().parent / "knowledge" / "reports" / "published.toml"

OUTCOME_MEASURES = ("mean_percent_reduction", "response_rate", "remission_rate")


class PublishedDataError(ValueError):
    """The published-figures file is malformed: the message names the key."""


@dataclass(frozen=True)
class Study:
    id: str
    citation: str
    population: str
    quoted_in: str


@dataclass(frozen=True)
class SafetyFigure:
    """A share of sessions (0-1) with the adverse-event term."""

    term: str
    rate: float
    study: Study
    routes: tuple[str, ...]
    note: str
    verified: bool


@dataclass(frozen=True)
class OutcomeFigure:
    """A published value of one outcomes-report column (rates 0-1, reduction in percent)."""

    instrument: str
    measure: str
    value: float
    study: Study
    note: str
    verified: bool


@dataclass(frozen=True)
class Published:
    version: str
    studies: tuple[Study, ...]
    safety: tuple[SafetyFigure, ...]
    outcomes: tuple[OutcomeFigure, ...]

    def safety_for(self, term: str) -> tuple[SafetyFigure, ...]:
        return tuple(figure for figure in self.safety if figure.term == term)

    def outcomes_for(self, instrument: str) -> tuple[OutcomeFigure, ...]:
        return tuple(figure for figure in self.outcomes if figure.instrument == instrument)


@functools.cache
def published() -> Published:
    return load_published(PUBLISHED_PATH)


def load_published(path: Path) -> Published:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PublishedDataError(f"{path.name}: {error}") from error
    try:
        studies = {
            entry["id"]: Study(
                id=_text(entry, "id"),
                citation=_text(entry, "citation"),
                population=_text(entry, "population"),
                quoted_in=_text(entry, "quoted_in"),
            )
            for entry in data["study"]
        }
        safety = tuple(
            SafetyFigure(
                term=_text(entry, "term"),
                rate=_share(entry, "rate"),
                study=_study(studies, entry),
                routes=tuple(entry.get("routes", ())),
                note=_text(entry, "note"),
                verified=bool(entry["verified"]),
            )
            for entry in data.get("safety", ())
        )
        outcomes = tuple(
            OutcomeFigure(
                instrument=_text(entry, "instrument"),
                measure=_measure(entry),
                value=_outcome_value(entry),
                study=_study(studies, entry),
                note=_text(entry, "note"),
                verified=bool(entry["verified"]),
            )
            for entry in data.get("outcome", ())
        )
        return Published(
            version=_text(data, "version"),
            studies=tuple(studies.values()),
            safety=safety,
            outcomes=outcomes,
        )
    except KeyError as error:
        raise PublishedDataError(f"{path.name}: missing key {error}") from None


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value:
        raise PublishedDataError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def _share(entry: dict[str, Any], key: str) -> float:
    value = entry[key]
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise PublishedDataError(f"{key}: expected a share between 0 and 1, got {value!r}")
    return float(value)


def _measure(entry: dict[str, Any]) -> str:
    measure = _text(entry, "measure")
    if measure not in OUTCOME_MEASURES:
        raise PublishedDataError(
            f"measure: {measure!r} is not one of {', '.join(OUTCOME_MEASURES)}"
        )
    return measure


def _outcome_value(entry: dict[str, Any]) -> float:
    if entry["measure"] == "mean_percent_reduction":
        value = entry["value"]
        if not isinstance(value, int | float) or not -100 <= value <= 100:
            raise PublishedDataError(f"value: expected a percentage, got {value!r}")
        return float(value)
    return _share(entry, "value")


def _study(studies: dict[str, Study], entry: dict[str, Any]) -> Study:
    study_id = _text(entry, "study")
    if study_id not in studies:
        raise PublishedDataError(f"study: unknown study {study_id!r}")
    return studies[study_id]
