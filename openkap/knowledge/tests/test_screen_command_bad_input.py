"""`openkap screen` refuses input it cannot screen: exit status 2, nothing on stdout, and a message
naming the field on stderr (with the index for a list)."""

from __future__ import annotations

import pytest

from .screen_helpers import PLAIN_ADULT, run_screen


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("{not json", "input: not valid JSON"),
        ('"a patient"', "input: expected a JSON object or a list"),
        ({**PLAIN_ADULT, "age_years": "forty"}, "age_years: must be a whole number"),
        (
            {**PLAIN_ADULT, "conditions": ["I71.2.9"]},
            "conditions[0]: 'I71.2.9' is not a well-formed",
        ),
        (
            {**PLAIN_ADULT, "conditions": ["I71.7"]},
            "conditions[0]: 'I71.7' is not an ICD-10-CM code",
        ),
        (
            {**PLAIN_ADULT, "blood_pressure": {"systolic": 400, "diastolic": 80}},
            "blood_pressure.systolic: 400 is not a plausible systolic pressure (50-300 mmHg)",
        ),
        ({**PLAIN_ADULT, "weight_kg": -70}, "weight_kg: -70 is not a plausible weight"),
        ({**PLAIN_ADULT, "route": "rectal"}, "route: 'rectal' is not a known route"),
        ({"sex": "male", "weight_kg": 80}, "age_years: is required"),
    ],
)
def test_it_exits_2_naming_the_field(tmp_path, stdin, words):
    result = run_screen("-", stdin=stdin, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert words in result.stderr


def test_it_names_the_index_in_a_list(tmp_path):
    patients = [dict(PLAIN_ADULT), dict(PLAIN_ADULT), {**PLAIN_ADULT, "weight_kg": -1}]
    result = run_screen("-", stdin=patients, data_dir=tmp_path)
    assert result.returncode == 2
    assert "[2].weight_kg: -1 is not a plausible weight" in result.stderr
    assert result.stdout == ""


def test_it_exits_2_for_a_missing_file(tmp_path):
    result = run_screen(str(tmp_path / "nobody.json"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "nobody.json: cannot read" in result.stderr
