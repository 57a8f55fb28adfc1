"""docs/clinical-rules.md lists every rule of the pack as the data says it is."""

from __future__ import annotations

from pathlib import Path

from openkap.clinical import rulepack_doc
from openkap.clinical.rulepack import load_rule_pack

DOC = Path(__file__).resolve().parents[3] / "docs" / "clinical-rules.md"


def test_the_document_matches_the_rule_pack():
    expected = rulepack_doc.render(load_rule_pack())
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/clinical-rules.md is out of date: run "
        "`.venv/bin/python -m openkap.clinical.rulepack_doc > docs/clinical-rules.md`"
    )


def test_every_rule_has_a_row_with_its_level_strength_and_verification():
    text = DOC.read_text(encoding="utf-8")
    rules_section = text.split("## The rules")[1].split("\n## ")[0]
    rows = {
        line.split("|")[1].strip().strip("`"): [cell.strip() for cell in line.split("|")[1:-1]]
        for line in rules_section.splitlines()
        if line.startswith("| `")
    }
    for rule in load_rule_pack().rules:
        row = rows[rule.id]
        assert row[1] == rule.level
        assert row[4] == rule.strength
        assert row[5].startswith("yes" if rule.verified else "no")
