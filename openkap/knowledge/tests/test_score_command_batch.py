"""`openkap score --batch FILE|-` reads JSON lines and prints one JSON line each; a bad line prints
an error object in its place, is named on stderr, and the command exits 2 after the last line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_it_scores_every_line_from_stdin_in_order(tmp_path):
    lines = [
        {"instrument": "gad7", "answers": [3, 3, 3, 3, 3, 3, 3]},
        {"instrument": "qids-sr16", "answers": [3] * 16},
        {"instrument": "moaas", "answers": [0]},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n"
    result = run_score("--batch", "-", stdin=stdin, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["instrument"], o["total"], o["severity"]) for o in out] == [
        ("gad7", 21, "severe"),
        ("qids-sr16", 27, "very severe"),
        ("moaas", 0, None),
    ]
    assert out[2]["flags"] == ["loss_of_consciousness"]


def test_it_reads_a_file_and_skips_blank_lines(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text('{"instrument": "phq9", "answers": [0,0,0,0,0,0,0,0,1]}\n\n', encoding="utf-8")
    result = run_score("--batch", str(path), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["flags"] for line in result.stdout.splitlines()] == [["suicide_risk"]]


def test_a_bad_line_is_reported_by_number_and_the_rest_are_still_scored(tmp_path):
    stdin = "\n".join(
        [
            '{"instrument": "phq9", "answers": [1,1,1,1,1,1,1,1,1]}',
            '{"instrument": "phq9", "answers": [1,1,1,1,1,1,1,1]}',
            "not json",
            '{"instrument": "gad7", "answers": [0,0,0,0,0,0,9]}',
            '{"instrument": "gad7"}',
            '{"instrument": "asq", "answers": [0,0,0,0], "note": "x"}',
            '{"instrument": "madrs", "answers": [0,0,0,0,0,0,0,0,0,2]}',
        ]
    )
    result = run_score("--batch", "-", stdin=stdin, data_dir=tmp_path)
    assert result.returncode == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 7
    assert out[0]["total"] == 9
    assert out[1] == {"line": 2, "error": "answers: PHQ-9 takes 9 answers, got 8"}
    assert out[2]["line"] == 3 and out[2]["error"].startswith("not JSON")
    assert out[3] == {"line": 4, "error": "answers: GAD-7 item 7 must be 0-3, got 9"}
    assert out[4] == {"line": 5, "error": "answers: missing"}
    assert "unknown key 'note'" in out[5]["error"]
    assert out[6]["flags"] == ["suicide_risk"]
    errors = result.stderr.splitlines()
    assert errors[0] == "line 2: answers: PHQ-9 takes 9 answers, got 8"
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5", "line 6"]


def test_a_line_whose_answers_are_not_a_list_is_refused(tmp_path):
    stdin = '{"instrument": "phq9", "answers": "1,1,1,1,1,1,1,1,1"}\n[1, 2]\n'
    result = run_score("--batch", "-", stdin=stdin, data_dir=tmp_path)
    assert result.returncode == 2
    assert "line 1: answers: must be a list of integers" in result.stderr
    assert "line 2: must be a JSON object" in result.stderr


def test_a_missing_batch_file_exits_2(tmp_path):
    result = run_score("--batch", str(tmp_path / "absent.jsonl"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "--batch: cannot read" in result.stderr


def test_batch_and_answers_together_are_refused(tmp_path):
    result = run_score("phq9", "--answers", "0", "--batch", "-", stdin="", data_dir=tmp_path)
    assert result.returncode == 2
    assert "not both" in result.stderr
