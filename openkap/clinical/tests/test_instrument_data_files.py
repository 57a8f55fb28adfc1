"""Every instrument data file loads and validates, and a malformed file gives a clear error naming
the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openkap.clinical.instruments import (
    INSTRUMENTS_DIR,
    InstrumentDataError,
    instrument,
    instrument_ids,
    load_instrument,
    load_instruments,
)

REQUIRED_IDS = {"phq9", "gad7", "pcl5", "qids-sr16", "madrs", "moaas", "dissociation", "asq"}


def test_every_shipped_file_loads():
    files = sorted(INSTRUMENTS_DIR.glob("*.toml"))
    assert {path.stem for path in files} == REQUIRED_IDS
    for path in files:
        inst = load_instrument(path)
        assert inst.id == path.stem
        assert inst.source and inst.licence and inst.version


def test_the_ids_used_everywhere_are_present_in_the_documented_order():
    assert instrument_ids()[:5] == ("phq9", "gad7", "pcl5", "qids-sr16", "madrs")


def test_every_item_has_text_and_options_with_unique_values():
    for instrument_id in instrument_ids():
        for item in instrument(instrument_id).items:
            assert item.text.strip()
            values = [option.value for option in item.options]
            assert len(values) == len(set(values)) >= 2


def test_what_the_notes_mark_unverified_is_unverified_here():
    assert not instrument("pcl5").licence_verified
    assert not instrument("qids-sr16").licence_verified
    assert not instrument("madrs").licence_verified
    phq9_remission = instrument("phq9").remission
    assert phq9_remission is not None
    assert not phq9_remission.verified  # "commonly <5 [VERIFY per study]"
    assert not instrument("qids-sr16").texts_verified
    assert not instrument("pcl5").texts_verified


def test_the_c_ssrs_is_not_bundled():
    assert not any("ssrs" in instrument_id for instrument_id in instrument_ids())


def copy_of(tmp_path: Path, instrument_id: str) -> Path:
    target = tmp_path / f"{instrument_id}.toml"
    shutil.copy(INSTRUMENTS_DIR / f"{instrument_id}.toml", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_toml_syntax_error_names_the_file(tmp_path):
    path = copy_of(tmp_path, "gad7")
    edit(path, 'id = "gad7"', 'id = "gad7')
    with pytest.raises(InstrumentDataError, match=r"^gad7\.toml: cannot read instrument file"):
        load_instrument(path)


def test_a_missing_key_is_named(tmp_path):
    path = copy_of(tmp_path, "gad7")
    edit(path, 'licence = "Pfizer', 'licensing = "Pfizer')
    with pytest.raises(InstrumentDataError, match=r"^gad7\.toml: licence: missing$"):
        load_instrument(path)


def test_a_wrong_type_is_named_with_the_key_path(tmp_path):
    path = copy_of(tmp_path, "phq9")
    edit(path, "[[options]]\nvalue = 0", '[[options]]\nvalue = "0"')
    with pytest.raises(InstrumentDataError, match=r"options\[0\]\.value: must be an integer"):
        load_instrument(path)


def test_a_gap_between_severity_bands_is_refused(tmp_path):
    path = copy_of(tmp_path, "phq9")
    edit(path, '{ name = "mild", min = 5, max = 9 }', '{ name = "mild", min = 6, max = 9 }')
    with pytest.raises(InstrumentDataError, match=r"severity\.bands: bands must be contiguous"):
        load_instrument(path)


def test_a_declared_range_that_the_items_cannot_give_is_refused(tmp_path):
    path = copy_of(tmp_path, "gad7")
    edit(path, "total_range = [0, 21]", "total_range = [0, 27]")
    with pytest.raises(InstrumentDataError, match=r"total_range: the items .* give 0-21"):
        load_instrument(path)


def test_a_flag_on_an_item_that_does_not_exist_is_refused(tmp_path):
    path = copy_of(tmp_path, "phq9")
    edit(path, "item = 9\n", "item = 10\n")
    with pytest.raises(InstrumentDataError, match=r"flags\[0\]\.item: no such item 10"):
        load_instrument(path)


def test_a_domain_mapping_that_drops_an_item_is_refused(tmp_path):
    path = copy_of(tmp_path, "qids-sr16")
    edit(path, "items = [15, 16]", "items = [15]")
    with pytest.raises(InstrumentDataError, match=r"every item must belong to exactly one domain"):
        load_instrument(path)


def test_a_remission_threshold_needs_exactly_one_bound(tmp_path):
    path = copy_of(tmp_path, "madrs")
    edit(path, "at_most = 10\n", "at_most = 10\nbelow = 11\n")
    with pytest.raises(InstrumentDataError, match=r"remission\.below: give exactly one"):
        load_instrument(path)


def test_an_unknown_strength_is_refused(tmp_path):
    path = copy_of(tmp_path, "phq9")
    edit(path, 'strength = "consensus"\nverified = true', 'strength = "folklore"\nverified = true')
    with pytest.raises(InstrumentDataError, match=r"strength: must be one of label, consensus"):
        load_instrument(path)


def test_an_id_that_does_not_match_the_file_name_is_refused(tmp_path):
    path = copy_of(tmp_path, "gad7")
    renamed = path.rename(tmp_path / "gad-7.toml")
    with pytest.raises(InstrumentDataError, match=r"must match the file name 'gad-7'"):
        load_instrument(renamed)


def test_an_instrument_without_bands_must_say_why(tmp_path):
    path = copy_of(tmp_path, "pcl5")
    text = path.read_text(encoding="utf-8")
    start = text.index('note = "PCL-5 has no')
    end = text.index("\n", start)
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    with pytest.raises(InstrumentDataError, match=r"severity\.note: .* must say why"):
        load_instrument(path)


def test_an_empty_directory_is_refused(tmp_path):
    with pytest.raises(InstrumentDataError, match="no instrument files"):
        load_instruments(tmp_path)
