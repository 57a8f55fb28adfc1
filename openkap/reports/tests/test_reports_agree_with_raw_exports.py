"""The check the issue names: on a synthetic clinic, both reports recomputed independently from the
raw CSV exports (parsed here, computed in plain Python with the issue's definitions) agree with the
reports the database computed."""

import csv
import io
import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# The remission thresholds, written out here on purpose (not read from the instruments).
REMITTED = {
    "phq9": lambda total: total < 5,
    "gad7": lambda total: total < 5,
    "qids-sr16": lambda total: total <= 5,
    "madrs": lambda total: total <= 10,
    "pcl5": lambda total: total < 33,
}


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _csv(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_run(*args))))


def _outcomes_from_export(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    series: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for row in rows:
        when = datetime.fromisoformat(row["administered_at"])
        series[(row["patient_id"], row["instrument"])].append((when, int(row["total"])))
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (_, instrument), points in series.items():
        points.sort()
        if len(points) >= 2 and points[0][1] > 0:
            pairs[instrument].append((points[0][1], points[-1][1]))
    result = {}
    for instrument, values in pairs.items():
        n = len(values)
        baseline = sum(b for b, _ in values) / n
        latest = sum(latest for _, latest in values) / n
        result[instrument] = {
            "patients": n,
            "baseline_mean": baseline,
            "latest_mean": latest,
            "mean_percent_reduction": 100 * (baseline - latest) / baseline,
            "response_rate": sum(1 for b, latest in values if latest <= 0.5 * b) / n,
            "remission_rate": sum(1 for _, latest in values if REMITTED[instrument](latest)) / n,
        }
    return result


def _safety_from_export(
    rows: list[dict[str, str]],
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    sessions: dict[str, int] = defaultdict(int)
    with_event: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        sessions[row["route"]] += 1
        for term in set(filter(None, row["adverse_events"].split(";"))):
            with_event[(row["route"], term)] += 1
    return sessions, with_event


def _assert_outcomes_agree(report: dict[str, Any], expected: dict[str, dict[str, float]]) -> None:
    got = {row["instrument"]: row for row in report["rows"]}
    assert set(got) == set(expected)
    for instrument, values in expected.items():
        for column, value in values.items():
            assert got[instrument][column] == pytest.approx(value, rel=1e-9), (instrument, column)


def _assert_safety_agrees(
    report: dict[str, Any],
    expected_sessions: dict[str, int],
    expected_events: dict[tuple[str, str], int],
) -> None:
    sessions: dict[str, int] = defaultdict(int)
    events: dict[tuple[str, str], int] = defaultdict(int)
    for group in report["groups"]:
        sessions[group["route"]] += group["sessions"]
        for term in group["terms"]:
            assert term["rate"] == pytest.approx(term["sessions_with_event"] / group["sessions"])
            if term["sessions_with_event"]:
                events[(group["route"], term["term"])] += term["sessions_with_event"]
    assert dict(sessions) == dict(expected_sessions)
    assert dict(events) == dict(expected_events)


def test_the_reports_agree_with_a_recomputation_from_the_raw_exports():
    _run("synth", "--patients", "120", "--seed", "11")

    questionnaires = _csv("export", "questionnaires", "--format", "csv")
    sessions = _csv("export", "sessions", "--format", "csv")
    outcomes = json.loads(_run("report", "outcomes", "--format", "json"))
    safety = json.loads(_run("report", "safety", "--format", "json"))

    assert len(questionnaires) > 500 and len(sessions) > 500
    _assert_outcomes_agree(outcomes, _outcomes_from_export(questionnaires))
    _assert_safety_agrees(safety, *_safety_from_export(sessions))


def test_the_filtered_reports_agree_with_the_same_filtered_exports():
    _run("synth", "--patients", "80", "--seed", "12")
    filters = ["--route", "sublingual", "--from", "2025-06-01", "--to", "2026-06-30"]

    questionnaires = _csv("export", "questionnaires", *filters)
    sessions = _csv("export", "sessions", *filters)
    outcomes = json.loads(_run("report", "outcomes", "--format", "json", *filters))
    safety = json.loads(_run("report", "safety", "--format", "json", *filters))

    assert sessions and {row["route"] for row in sessions} == {"sublingual"}
    _assert_outcomes_agree(outcomes, _outcomes_from_export(questionnaires))
    _assert_safety_agrees(safety, *_safety_from_export(sessions))


def test_the_csv_reports_carry_the_same_numbers_as_the_json():
    _run("synth", "--patients", "40", "--seed", "13")

    as_json = json.loads(_run("report", "outcomes", "--format", "json"))["rows"]
    as_csv = _csv("report", "outcomes", "--format", "csv")

    assert [row["instrument"] for row in as_csv] == [row["instrument"] for row in as_json]
    for csv_row, json_row in zip(as_csv, as_json, strict=True):
        assert int(csv_row["patients"]) == json_row["patients"]
        for column in ("baseline_mean", "latest_mean", "mean_percent_reduction", "response_rate"):
            assert float(csv_row[column]) == json_row[column]
