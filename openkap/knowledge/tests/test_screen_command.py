"""`openkap screen FILE|-` prints the decision as JSON: one object for one object, a list in the same
order for a list, every finding with its rule, level, message, source and inputs."""

from __future__ import annotations

import json

from .screen_helpers import PLAIN_ADULT, run_screen

FINDING_KEYS = {"rule", "level", "message", "source", "inputs"}


def test_it_screens_one_object_from_stdin(tmp_path):
    result = run_screen("-", stdin={**PLAIN_ADULT, "conditions": ["I71.2"]}, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) == {"decision", "rule_pack", "findings"}
    assert output["decision"] == "ineligible"
    assert output["rule_pack"] == "2026.11.1"
    [finding] = output["findings"]
    assert set(finding) >= FINDING_KEYS
    assert finding["rule"] == "aneurysmal-vascular-disease"
    assert finding["level"] == "absolute"
    assert finding["inputs"] == {"conditions": ["I71.2"]}
    assert "Contraindications" in finding["source"]
    assert finding["message"]


def test_it_screens_a_list_in_the_same_order(tmp_path):
    patients = [
        {**PLAIN_ADULT, "blood_pressure": {"systolic": 150, "diastolic": 95}},
        dict(PLAIN_ADULT),
        {**PLAIN_ADULT, "medications": ["theophylline"]},
        {**PLAIN_ADULT, "conditions": ["F31.81"]},
    ]
    result = run_screen("-", stdin=patients, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert [o["decision"] for o in output] == ["needs_review", "eligible", "ineligible", "eligible"]
    assert output[3]["findings"][0]["rule"] == "bipolar-disorder"
    assert output[3]["findings"][0]["level"] == "caution"


def test_it_reads_a_file(tmp_path):
    path = tmp_path / "patient.json"
    path.write_text(
        json.dumps({**PLAIN_ADULT, "route": "intranasal_esketamine", "setting": "at_home"})
    )
    result = run_screen(str(path), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["decision"] == "ineligible"
    assert output["findings"][0]["rule"] == "esketamine-at-home"


def test_an_unknown_medication_is_an_information_finding(tmp_path):
    result = run_screen("-", stdin={**PLAIN_ADULT, "medications": ["zzzumab"]}, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["decision"] == "eligible"
    assert [(f["rule"], f["level"], f["inputs"]) for f in output["findings"]] == [
        ("unknown-medication", "info", {"medications": ["zzzumab"]})
    ]


def test_an_empty_list_gives_an_empty_list(tmp_path):
    result = run_screen("-", stdin=[], data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
