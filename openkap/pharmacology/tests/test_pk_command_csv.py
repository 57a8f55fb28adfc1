"""`--format csv` prints plain CSV on stdout (one row per time point) and the summary on stderr."""

from __future__ import annotations

import csv
import io
import json

from openkap.pharmacology.tests.pk_command import call_pk, run_pk


def test_it_prints_parseable_csv_with_the_summary_on_stderr(tmp_path):
    result = run_pk(
        "simulate",
        "--model",
        "fanta-2015",
        "--route",
        "iv",
        "--dose-mg",
        "10",
        "--weight-kg",
        "80",
        "--infusion-min",
        "30",
        "--t-end-min",
        "60",
        "--step-min",
        "5",
        "--format",
        "csv",
        data_dir=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["time_min", "ketamine_ng_per_ml", "norketamine_ng_per_ml"]
    assert [float(r["time_min"]) for r in rows] == [5.0 * i for i in range(13)]
    ketamine = [float(r["ketamine_ng_per_ml"]) for r in rows]
    summary = json.loads(result.stderr)
    assert summary["cmax_ng_per_ml"] == max(ketamine)
    assert summary["tmax_min"] == 30


def test_a_model_without_metabolite_has_two_columns():
    result = call_pk(
        "simulate",
        "--model",
        "domino-1984",
        "--route",
        "iv",
        "--dose-mg",
        "35",
        "--weight-kg",
        "70",
        "--t-end-min",
        "10",
        "--step-min",
        "5",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "time_min,ketamine_ng_per_ml"
    assert len(result.stdout.splitlines()) == 4
