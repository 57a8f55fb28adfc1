"""`openkap screen --local-rules FILE.toml` lays a clinic's rules over the pack; rules that would
loosen the pack are refused with exit status 2."""

from __future__ import annotations

import json

from .screen_helpers import PLAIN_ADULT, run_screen


def test_local_rules_make_a_rule_stricter(tmp_path):
    rules = tmp_path / "clinic.toml"
    rules.write_text(
        '[[raise]]\nrule = "bipolar-disorder"\nlevel = "relative"\n'
        'reason = "Psychiatrist review for bipolar disorder"\n'
    )
    stdin = {**PLAIN_ADULT, "conditions": ["F31.81"]}
    result = run_screen("-", "--local-rules", str(rules), stdin=stdin, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["decision"] == "needs_review"
    assert output["rule_pack"].startswith("2026.11.1+local.")


def test_local_rules_that_lower_a_level_are_refused(tmp_path):
    rules = tmp_path / "clinic.toml"
    rules.write_text(
        '[[raise]]\nrule = "aneurysmal-vascular-disease"\nlevel = "caution"\nreason = "no"\n'
    )
    result = run_screen("-", "--local-rules", str(rules), stdin=PLAIN_ADULT, data_dir=tmp_path)
    assert result.returncode == 2
    assert "--local-rules" in result.stderr
    assert "never looser" in result.stderr
    assert result.stdout == ""
