"""`openkap pk simulate --format json` prints the curve and its summary in the issue's shape."""

from __future__ import annotations

import json

import pytest

from openkap.pharmacology.tests.pk_command import call_pk, run_pk

DOMINO = (
    "--model",
    "domino-1984",
    "--route",
    "iv",
    "--dose-mg-per-kg",
    "0.5",
    "--weight-kg",
    "70",
    "--infusion-min",
    "40",
)


def test_it_prints_the_issue_shape(tmp_path):
    result = run_pk(
        "simulate",
        *DOMINO,
        "--t-end-min",
        "240",
        "--step-min",
        "1",
        "--format",
        "json",
        data_dir=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "time_min",
        "ketamine_ng_per_ml",
        "cmax_ng_per_ml",
        "tmax_min",
        "minutes_above",
        "inputs",
    }
    assert data["time_min"] == [float(t) for t in range(241)]
    assert len(data["ketamine_ng_per_ml"]) == 241
    assert data["ketamine_ng_per_ml"][0] == 0
    assert data["tmax_min"] == 40  # an infusion peaks at its end
    assert data["cmax_ng_per_ml"] == max(data["ketamine_ng_per_ml"])
    # default thresholds: the ends of the dissociation range (knowledge/pk/limits.toml)
    assert set(data["minutes_above"]) == {"100", "250"}
    assert data["inputs"]["dose_mg"] == pytest.approx(35)
    assert data["inputs"]["verified"] is False


def test_a_metabolite_model_adds_norketamine():
    result = call_pk(
        "simulate",
        "--model",
        "perez-ruixo-2021",
        "--route",
        "intranasal_esketamine",
        "--dose-mg",
        "56",
        "--t-end-min",
        "120",
        "--step-min",
        "10",
        "--threshold",
        "50",
        "--threshold",
        "62.5",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["norketamine_ng_per_ml"]) == len(data["time_min"]) == 13
    assert set(data["minutes_above"]) == {"50", "62.5"}
    assert data["inputs"]["weight_kg"] is None  # the model has no weight covariate


def test_a_horizon_that_is_not_a_multiple_of_the_step_ends_on_the_horizon():
    result = call_pk("simulate", *DOMINO, "--t-end-min", "10", "--step-min", "3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["time_min"] == [0, 3, 6, 9, 10]


def test_infusion_zero_is_a_bolus():
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
        "--infusion-min",
        "0",
        "--t-end-min",
        "5",
        "--step-min",
        "1",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ketamine_ng_per_ml"][0] == pytest.approx(35 / (0.063 * 70) * 1000)
    assert data["tmax_min"] == 0


def test_several_thresholds_after_one_option():
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
        "--infusion-min",
        "40",
        "--t-end-min",
        "120",
        "--step-min",
        "1",
        "--threshold",
        "100",
        "185",
    )
    assert result.returncode == 0, result.stderr
    minutes = json.loads(result.stdout)["minutes_above"]
    assert set(minutes) == {"100", "185"}
    assert minutes["100"] > minutes["185"] > 0
