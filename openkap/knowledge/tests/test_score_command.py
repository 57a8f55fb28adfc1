"""`openkap score INSTRUMENT --answers ...` prints one JSON object; bad input exits 2 naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def run_score(
    *args: str, stdin: str | None = None, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENKAP_DATA_DIR": str(data_dir)}
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "openkap", "score", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_prints_the_phq9_score_with_the_item_9_flag(tmp_path):
    result = run_score("phq9", "--answers", "3,3,3,3,3,3,3,3,3", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "instrument": "phq9",
        "total": 27,
        "severity": "severe",
        "flags": ["suicide_risk"],
    }
    assert result.stderr == ""


def test_it_prints_the_pcl5_dsm5_rule(tmp_path):
    answers = "2,0,0,0,0,2,0,2,2,0,0,0,0,0,2,2,0,0,0,0"
    result = run_score("pcl5", "--answers", answers, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 12
    assert data["severity"] is None
    assert data["dsm5_rule_met"] is True


def test_it_accepts_the_asq_without_item_5_and_spaces_between_answers(tmp_path):
    result = run_score("asq", "--answers", "0, 0, 0, 0", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["severity"], data["result"], data["flags"]) == ("negative", "negative", [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq9", "--answers", "1,1,1,1,1,1,1,1"], "answers: PHQ-9 takes 9 answers, got 8"),
        (["gad7", "--answers", "0,0,0,4,0,0,0"], "answers: GAD-7 item 4 must be 0-3, got 4"),
        (
            ["gad7", "--answers", "0,0,0,1.5,0,0,0"],
            "answers: GAD-7 item 4 is not an integer: '1.5'",
        ),
        (["phq10", "--answers", "0"], "instrument: unknown instrument 'phq10'"),
        (["phq9"], "answers: missing --answers"),
        ([], "instrument: missing"),
        (["asq", "--answers", "1,0,0,0"], "answers: ASQ item 5 must be answered"),
    ],
)
def test_it_exits_2_naming_the_problem(tmp_path, args, message):
    result = run_score(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
