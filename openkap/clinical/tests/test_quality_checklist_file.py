"""The checklist file: every value with its source; clinic-policy values marked unverified; a
malformed file refused with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from openkap.clinical import quality as q

SOURCE = q.CHECKLIST_PATH.read_text(encoding="utf-8")


def test_it_loads_with_the_seeds_five_checklist_items_and_the_registrations() -> None:
    rules = q.checklist()
    assert len(rules.sections) == 6
    assert all("Seed" in s.source for s in rules.sections[:5])


def test_clinic_policy_values_are_marked_unverified() -> None:
    rules = q.checklist()
    for sourced in (rules.licences, rules.drills, rules.screening.sourced, rules.dea):
        assert sourced.strength == "clinic_policy"
        assert sourced.verified is False


def test_each_clinical_role_has_a_licence_requirement() -> None:
    rules = q.checklist()
    assert {r.role for r in rules.requirements} == {"prescriber", "nurse", "therapist"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "checklist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_refuses_an_attention_band_above_the_met_threshold(tmp_path: Path) -> None:
    bad = SOURCE.replace("met_at = 0.9\nattention_at = 0.75", "met_at = 0.7\nattention_at = 0.75")
    assert bad != SOURCE
    with pytest.raises(q.ChecklistError, match="attention_at"):
        q.load_checklist(_write(tmp_path, bad))


def test_it_refuses_an_unknown_credential_kind(tmp_path: Path) -> None:
    bad = SOURCE.replace('kinds = ["nursing_licence"]', 'kinds = ["nursing_licens"]')
    with pytest.raises(q.ChecklistError, match="nursing_licens"):
        q.load_checklist(_write(tmp_path, bad))


def test_it_refuses_a_zero_drill_cadence(tmp_path: Path) -> None:
    bad = SOURCE.replace("cadence_months = 6", "cadence_months = 0")
    with pytest.raises(q.ChecklistError, match="cadence_months"):
        q.load_checklist(_write(tmp_path, bad))


def test_it_refuses_a_missing_source(tmp_path: Path) -> None:
    start = SOURCE.index("[dea]")
    end = SOURCE.index("[biennial_inventory]")
    section = SOURCE[start:end]
    bad = SOURCE.replace(
        section, "\n".join(x for x in section.splitlines() if not x.startswith("source")) + "\n"
    )
    with pytest.raises(q.ChecklistError, match="source"):
        q.load_checklist(_write(tmp_path, bad))
