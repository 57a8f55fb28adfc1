"""A protocol file with an unknown key or a bad value is refused with an error naming file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openkap.clinical import protocols
from openkap.clinical.protocols import ProtocolError, load_protocol_file

IV = (protocols.PROTOCOL_DIR / "iv-racemic-ketamine.toml").read_text(encoding="utf-8")
ESKETAMINE = (protocols.PROTOCOL_DIR / "esketamine-trd.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "iv-racemic-ketamine") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str, name: str = "iv-racemic-ketamine") -> str:
    with pytest.raises(ProtocolError) as caught:
        load_protocol_file(write(tmp_path, text, name))
    return str(caught.value)


def test_it_refuses_an_unknown_key(tmp_path):
    message = refused(tmp_path, IV.replace("[dose]\n", "[dose]\nmax_dose = 2\n", 1))
    assert "iv-racemic-ketamine.toml [dose]" in message
    assert "max_dose" in message


def test_it_refuses_a_bad_strength(tmp_path):
    message = refused(tmp_path, IV.replace('strength = "consensus"', 'strength = "folklore"', 1))
    assert "iv-racemic-ketamine.toml" in message and "folklore" in message


def test_it_refuses_a_route_the_rule_pack_does_not_know(tmp_path):
    message = refused(tmp_path, IV.replace('route = "iv"', 'route = "rectal"', 1))
    assert "route 'rectal'" in message


def test_it_refuses_a_dose_range_wider_than_the_route_allows(tmp_path):
    message = refused(tmp_path, IV.replace("max = 0.75", "max = 2.0", 1))
    assert "[dose]" in message and "route" in message


def test_it_refuses_a_default_outside_its_own_range(tmp_path):
    message = refused(tmp_path, IV.replace("default = 0.5", "default = 0.05", 1))
    assert "[dose]" in message and "default" in message


def test_it_refuses_an_esketamine_dose_that_is_not_whole_devices(tmp_path):
    text = ESKETAMINE.replace("default = 56", "default = 70", 1)
    message = refused(tmp_path, text, "esketamine-trd")
    assert "default" in message and "28 mg devices" in message


def test_it_refuses_an_id_that_does_not_match_the_file_name(tmp_path):
    message = refused(tmp_path, IV, "another-name")
    assert "must match the file name" in message


def test_it_refuses_unverified_data_without_a_note(tmp_path):
    text = re.sub(r'note = "No minimum time[^"]*"\n', "", IV, count=1)
    message = refused(tmp_path, text)
    assert "[monitoring]" in message and "note" in message


def test_it_refuses_an_infused_route_without_an_infusion_time(tmp_path):
    start = IV.index("[infusion]")
    end = IV.index("[[predose_limit]]")
    message = refused(tmp_path, IV[:start] + IV[end:])
    assert "[infusion] is missing" in message


def test_it_refuses_a_limit_with_both_above_and_below(tmp_path):
    text = IV.replace(
        'measure = "systolic"\nabove = 140', 'measure = "systolic"\nabove = 140\nbelow = 80', 1
    )
    message = refused(tmp_path, text)
    assert "predose_limit 1" in message and "exactly one of above or below" in message


def test_it_refuses_a_week_day_beyond_the_week(tmp_path):
    message = refused(tmp_path, IV.replace("week_days = [0, 3]", "week_days = [0, 7]", 1))
    assert "phase 1" in message and "week_days" in message


def test_it_refuses_text_that_is_not_toml(tmp_path):
    message = refused(tmp_path, IV + "\n[[[broken\n")
    assert "not valid TOML" in message
