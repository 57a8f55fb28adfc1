"""The clinic's reports at scale: each figure is a ratio against a baseline measured in the same run,
because this machine is shared and absolute times drift.

1. Loading a synthetic clinic (`openkap synth`: rows drawn with NumPy, COPY on PostgreSQL): rows
   per second; then VACUUM of the loaded tables (what autovacuum does soon after), timed apart.
2. The outcomes report (one SQL query: a window over each patient's series, then aggregates) vs a
   naive computation that reads every questionnaire row into Python and computes the same numbers.
3. The safety report (one SQL query: the distinct session-term pairs joined to the sessions, counted
   by route, protocol and term) vs a naive computation that reads every session and adverse-event
   row into Python.
Both naive results are checked to equal the database's, so the comparison is like for like.

Run: `make bench` (PostgreSQL), or with DATABASE_URL set:
`.venv/bin/python bench/bench_reports.py --patients 100000`. Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkap.config.settings_test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["OPENKAP_DATA_DIR"] = tempfile.mkdtemp()

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from openkap.clinical import instruments  # noqa: E402
from openkap.dosing.models import DosingSession  # noqa: E402
from openkap.reports.selectors import (  # noqa: E402
    ReportFilters,
    outcomes_report,
    safety_report,
)
from openkap.reports.synth import MODELS, synth_clinic  # noqa: E402
from openkap.safety.models import AdverseEvent  # noqa: E402
from openkap.screening.models import QuestionnaireResponse  # noqa: E402


def median_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def naive_outcomes() -> dict[str, tuple[int, float, float, float, float]]:
    """Every questionnaire row into Python, grouped and computed there."""
    series: dict[tuple[int, str], list[tuple[Any, int, int]]] = defaultdict(list)
    for response in QuestionnaireResponse.objects.filter(total__isnull=False).iterator(
        chunk_size=5000
    ):
        assert response.total is not None
        series[(response.patient_id, response.instrument_id)].append(
            (response.completed_at, response.pk, response.total)
        )
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (_, instrument_id), points in series.items():
        points.sort()
        if len(points) >= 2 and points[0][2] > 0:
            pairs[instrument_id].append((points[0][2], points[-1][2]))
    result = {}
    for instrument_id, values in pairs.items():
        n = len(values)
        baseline = Fraction(sum(b for b, _ in values), n)
        latest = Fraction(sum(last for _, last in values), n)
        result[instrument_id] = (
            n,
            float(baseline),
            float(latest),
            sum(
                1
                for b, last in values
                if instruments.is_response(instrument_id, baseline=b, current=last)
            )
            / n,
            sum(1 for _, last in values if instruments.is_remission(instrument_id, total=last)) / n,
        )
    return result


def naive_safety() -> dict[tuple[str, str, str], tuple[int, int]]:
    """Every started session and every adverse event into Python."""
    sessions: dict[int, tuple[str, str]] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for dosing in (
        DosingSession.objects.filter(dose_started_at__isnull=False)
        .select_related("plan")
        .iterator(chunk_size=5000)
    ):
        key = (dosing.plan.route, dosing.protocol_id)
        sessions[dosing.pk] = key
        counts[key] += 1
    seen: set[tuple[int, str]] = set()
    with_event: dict[tuple[str, str, str], int] = defaultdict(int)
    for event in AdverseEvent.objects.filter(session__isnull=False).iterator(chunk_size=5000):
        assert event.session_id is not None
        if event.session_id in sessions and (event.session_id, event.term) not in seen:
            seen.add((event.session_id, event.term))
            route, protocol = sessions[event.session_id]
            with_event[(route, protocol, event.term)] += 1
    return {key: (counts[key[:2]], n) for key, n in with_event.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    summary = synth_clinic(
        patients=args.patients,
        seed=args.seed,
        progress=lambda line: print(f"  synth: {line}", flush=True),
    )
    load_seconds = time.perf_counter() - start
    rows = sum(summary.counts.values())
    vacuum_seconds = 0.0
    if connection.vendor == "postgresql":
        # What autovacuum does to freshly loaded tables soon after: the visibility map that lets
        # the reports read their indexes alone (synth has analysed the tables already). Timed apart.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for model in MODELS:
                cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
        vacuum_seconds = time.perf_counter() - start

    filters = ReportFilters()
    outcomes_seconds, outcomes = median_of(args.repeats, lambda: outcomes_report(filters))
    safety_seconds, safety = median_of(args.repeats, lambda: safety_report(filters))
    naive_outcomes_seconds, by_hand = median_of(1, naive_outcomes)
    naive_safety_seconds, safety_by_hand = median_of(1, naive_safety)

    for row in outcomes:
        n, baseline, latest, response, remission = by_hand[row.instrument]
        assert (row.patients, row.baseline_mean, row.latest_mean) == (n, baseline, latest), row
        assert (row.response_rate, row.remission_rate) == (response, remission), row
    assert len(outcomes) == len(by_hand)
    from_db = {
        (g.route, g.protocol, t.term): (g.sessions, t.sessions_with_event)
        for g in safety
        for t in g.terms
        if t.sessions_with_event
    }
    assert from_db == safety_by_hand

    sessions = summary.counts["dosingsession"]
    print(
        f"database: {connection.vendor}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"synth {args.patients:,} patients, {sessions:,} sessions, {rows:,} rows: "
        f"{load_seconds:.1f} s; {rows / load_seconds:,.0f} rows/s; then VACUUM {vacuum_seconds:.1f} s"
    )
    print(
        f"outcomes report: {outcomes_seconds:.2f} s; naive per-row {naive_outcomes_seconds:.2f} s; "
        f"{naive_outcomes_seconds / outcomes_seconds:.1f}x faster"
    )
    print(
        f"safety report: {safety_seconds:.2f} s; naive per-row {naive_safety_seconds:.2f} s; "
        f"{naive_safety_seconds / safety_seconds:.1f}x faster"
    )


if __name__ == "__main__":
    main()
