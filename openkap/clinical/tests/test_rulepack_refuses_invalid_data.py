"""A broken rule pack is refused at load with an error naming the file and the entry: unknown keys,
bad levels or strengths, malformed or unknown ICD-10-CM codes, duplicate ids, dangling references,
unverified values without a note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openkap.clinical.rulepack import PACK_DIR, RulePackError, load_rule_pack_from

FIRST_RULE = 'id = "hypersensitivity-ketamine"\nlevel = "absolute"\n'


@pytest.fixture
def pack_dir(tmp_path):
    target = tmp_path / "rulepack"
    shutil.copytree(PACK_DIR, target)
    return target


def edit(pack_dir: Path, file: str, old: str, new: str) -> None:
    path = pack_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(pack_dir: Path) -> str:
    with pytest.raises(RulePackError) as error:
        load_rule_pack_from(pack_dir)
    return str(error.value)


def test_the_unchanged_copy_loads(pack_dir):
    assert load_rule_pack_from(pack_dir).rules


def test_it_refuses_an_unknown_key_in_a_rule(pack_dir):
    edit(pack_dir, "rules.toml", FIRST_RULE, FIRST_RULE + 'colour = "red"\n')
    message = refused(pack_dir)
    assert "rules.toml" in message
    assert "hypersensitivity-ketamine" in message
    assert "colour" in message


def test_it_refuses_an_unknown_level(pack_dir):
    edit(pack_dir, "rules.toml", FIRST_RULE, FIRST_RULE.replace("absolute", "severe"))
    message = refused(pack_dir)
    assert "level 'severe'" in message
    assert "hypersensitivity-ketamine" in message


def test_it_refuses_an_unknown_strength(pack_dir):
    edit(pack_dir, "rules.toml", 'strength = "label"', 'strength = "hearsay"')
    assert "strength 'hearsay'" in refused(pack_dir)


def test_it_refuses_a_malformed_code(pack_dir):
    edit(pack_dir, "conditions.toml", '"I72"', '"72"')
    message = refused(pack_dir)
    assert "conditions.toml [aneurysmal-vascular-disease]" in message
    assert "'72'" in message


def test_it_refuses_a_code_that_is_not_in_icd10cm(pack_dir):
    edit(pack_dir, "conditions.toml", '"I72"', '"I71.7"')
    assert "'I71.7' is not an ICD-10-CM code" in refused(pack_dir)


def test_it_refuses_a_range_that_runs_backwards(pack_dir):
    edit(pack_dir, "conditions.toml", '"F10-F19"', '"F19-F10"')
    assert "runs backwards" in refused(pack_dir)


def test_it_refuses_a_duplicate_rule_id(pack_dir):
    edit(
        pack_dir,
        "rules.toml",
        'id = "aneurysmal-vascular-disease"',
        'id = "hypersensitivity-ketamine"',
    )
    assert "'hypersensitivity-ketamine' is used twice" in refused(pack_dir)


def test_it_refuses_a_reference_to_a_missing_condition_set(pack_dir):
    edit(
        pack_dir,
        "rules.toml",
        'conditions = ["aneurysmal-vascular-disease"]',
        'conditions = ["aneurysm-typo"]',
    )
    assert "no condition set 'aneurysm-typo'" in refused(pack_dir)


def test_it_refuses_a_reference_to_a_missing_drug_class(pack_dir):
    edit(pack_dir, "rules.toml", 'drug_classes = ["maois"]', 'drug_classes = ["maoi"]')
    assert "no drug class 'maoi'" in refused(pack_dir)


def test_it_refuses_an_unverified_rule_without_a_note(pack_dir):
    edit(pack_dir, "rules.toml", FIRST_RULE, FIRST_RULE + "verified = false\n")
    assert "needs a note" in refused(pack_dir)


def test_it_refuses_a_source_that_cites_the_research_notes(pack_dir):
    edit(
        pack_dir,
        "rules.toml",
        "§4 Contraindications (hypersensitivity",
        "§4 Contraindications; clinical.md §1.6 (hypersensitivity",
    )
    assert "original source" in refused(pack_dir)


def test_it_refuses_an_unknown_route(pack_dir):
    edit(
        pack_dir,
        "rules.toml",
        'routes = ["intranasal_esketamine"]\nsettings = ["at_home"]',
        'routes = ["nasal"]\nsettings = ["at_home"]',
    )
    assert "no route 'nasal'" in refused(pack_dir)


def test_it_refuses_a_missing_plausibility_limit(pack_dir):
    edit(pack_dir, "pack.toml", "[limits.heart_rate]", "[limits.pulse]")
    assert "missing limits for heart_rate" in refused(pack_dir)


def test_it_refuses_a_drug_name_that_is_not_normalised(pack_dir):
    edit(pack_dir, "drugs.toml", '"alprazolam", "bromazepam"', '"Alprazolam", "bromazepam"')
    assert "'Alprazolam'" in refused(pack_dir)


def test_it_refuses_a_file_that_is_not_toml(pack_dir):
    (pack_dir / "routes.toml").write_text("[routes\n", encoding="utf-8")
    assert "routes.toml: not valid TOML" in refused(pack_dir)
