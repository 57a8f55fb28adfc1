"""`openkap dose ... --format json` prints the calculation; a refused dose exits 2 naming the option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
KEYS = {
    "dose_mg",
    "volume_ml",
    "total_volume_ml",
    "rate_ml_per_h",
    "devices",
    "rule",
    "source",
    "warnings",
}


def run_dose(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENKAP_DATA_DIR": str(data_dir)}
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "openkap", "dose", *args, "--format", "json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_prints_the_iv_infusion(tmp_path):
    result = run_dose(
        "--route", "iv", "--dose-mg-per-kg", "0.5", "--weight-kg", "70", "--infusion-min", "40",
        "--concentration-mg-per-ml", "10", "--diluent-ml", "96.5",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) - {"inputs"} == KEYS
    assert (data["dose_mg"], data["volume_ml"], data["total_volume_ml"]) == (35, 3.5, 100)
    assert data["rate_ml_per_h"] == 150
    assert data["devices"] is None
    assert data["warnings"] == []
    assert result.stderr == ""


def test_it_prints_esketamine_devices(tmp_path):
    result = run_dose("--route", "intranasal_esketamine", "--dose-mg", "84", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["dose_mg"], data["devices"], data["volume_ml"]) == (84, 3, None)


def test_it_refuses_70_mg_esketamine(tmp_path):
    result = run_dose("--route", "esketamine", "--dose-mg", "70", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--dose-mg" in result.stderr and "28 mg" in result.stderr


def test_it_refuses_an_out_of_range_dose_and_passes_it_with_a_reason(tmp_path):
    args = ("--route", "iv", "--dose-mg-per-kg", "1", "--weight-kg", "70", "--infusion-min", "40")
    refused = run_dose(*args, data_dir=tmp_path)
    assert refused.returncode == 2
    assert "--dose-mg-per-kg" in refused.stderr and "0.1-0.75 mg/kg" in refused.stderr
    passed = run_dose(
        *args, "--override-reason", "titration after partial response", data_dir=tmp_path
    )
    assert passed.returncode == 0, passed.stderr
    data = json.loads(passed.stdout)
    assert data["dose_mg"] == 70
    assert any("titration after partial response" in w for w in data["warnings"])


def test_an_im_bolus_has_no_rate(tmp_path):
    result = run_dose(
        "--route", "im", "--dose-mg-per-kg", "0.5", "--weight-kg", "80", "--infusion-min", "0",
        "--concentration-mg-per-ml", "50",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["dose_mg"], data["volume_ml"], data["rate_ml_per_h"]) == (40, 0.8, None)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--route", "iv", "--dose-mg-per-kg", "0.5", "--infusion-min", "40"), "--weight-kg"),
        (("--route", "iv", "--dose-mg-per-kg", "abc", "--weight-kg", "70"), "--dose-mg-per-kg"),
        (("--route", "iv", "--dose-mg-per-kg", "0.5", "--weight-kg", "-70"), "--weight-kg"),
        (
            ("--route", "iv", "--dose-mg-per-kg", "0.5", "--weight-kg", "70", "--dose-mg", "35"),
            "--dose-mg",
        ),
        (("--route", "warp", "--dose-mg", "35"), "--route"),
        (
            (
                "--dose-mg",
                "35",
            ),
            "--route",
        ),
        (
            (
                "--route",
                "iv",
                "--dose-mg-per-kg",
                "0.5",
                "--weight-kg",
                "900",
                "--infusion-min",
                "40",
                "--override-reason",
                "sure",
            ),
            "--weight-kg",
        ),
        (
            (
                "--route",
                "iv",
                "--dose-mg-per-kg",
                "0.5",
                "--weight-kg",
                "70",
                "--infusion-min",
                "40",
                "--concentration-mg-per-ml",
                "0",
            ),
            "--concentration-mg-per-ml",
        ),
        (
            (
                "--route",
                "iv",
                "--dose-mg-per-kg",
                "0.5",
                "--weight-kg",
                "70",
                "--infusion-min",
                "40",
                "--protocol",
                "esketamine-trd",
            ),
            "--protocol",
        ),
    ],
)
def test_it_refuses_bad_input_naming_the_option(tmp_path, args: tuple[str, ...], option: str):
    result = run_dose(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(option), result.stderr


def test_it_checks_a_protocol_range(tmp_path):
    result = run_dose(
        "--route", "sublingual", "--dose-mg", "250", "--protocol", "kap-sublingual-at-home",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "50-200 mg" in result.stderr
