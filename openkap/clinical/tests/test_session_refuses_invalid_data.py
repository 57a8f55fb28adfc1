"""A session data file with an unknown key or a bad value is refused, naming the file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openkap.clinical.session import SESSION_FILE, SessionRuleError, load_session_file

TEXT = SESSION_FILE.read_text(encoding="utf-8")


def refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "session.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionRuleError) as caught:
        load_session_file(path)
    return str(caught.value)


def test_the_bundled_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "session.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert load_session_file(path).version


def test_it_refuses_an_unknown_key(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("grace_minutes = 5", "grace_minutes = 5\ngrace = 9"))
    assert "session.toml [vitals_timing]" in message and "grace" in message


def test_it_refuses_a_negative_grace(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("grace_minutes = 5", "grace_minutes = -1"))
    assert "[vitals_timing]" in message and "grace_minutes" in message


def test_it_refuses_a_missing_window(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("window_after_minutes = 5\n", ""))
    assert "window_after_minutes is missing" in message


def test_it_refuses_a_text_where_a_number_belongs(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("within_minutes = 15", 'within_minutes = "15"'))
    assert "discharge_item 2" in message and "within_minutes" in message


def test_it_refuses_a_bad_strength(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace('strength = "label"', 'strength = "folklore"', 1))
    assert "session.toml" in message and "folklore" in message


def test_it_refuses_unverified_data_without_a_note(tmp_path: Path) -> None:
    text = re.sub(r'note = "How early or late[^"]*"\n', "", TEXT, count=1)
    message = refused(tmp_path, text)
    assert "[vitals_timing]" in message and "note" in message


def test_it_refuses_a_rating_threshold_outside_the_scale(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("at_most = 2\n", "at_most = 9\n", 1))
    assert "rating_alert 2" in message and "at_most 9" in message and "0-5" in message


def test_it_refuses_a_flag_the_instrument_does_not_have(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace('flag = "loss_of_consciousness"', 'flag = "asleep"'))
    assert "rating_alert 1" in message and "'asleep'" in message


def test_it_refuses_a_rating_rule_with_two_thresholds(tmp_path: Path) -> None:
    text = TEXT.replace(
        'flag = "loss_of_consciousness"', 'flag = "loss_of_consciousness"\nat_most = 0'
    )
    message = refused(tmp_path, text)
    assert "rating_alert 1" in message and "exactly one of flag, at_most or at_least" in message


def test_it_refuses_a_limit_with_both_above_and_below(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("below = 10\n", "below = 10\nabove = 30\n", 1))
    assert "vital_limit 1" in message and "exactly one of above or below" in message


def test_it_refuses_an_unknown_measure(tmp_path: Path) -> None:
    text = TEXT.replace('measure = "respiratory_rate"', 'measure = "temperature"', 1)
    message = refused(tmp_path, text)
    assert "vital_limit 1" in message and "'temperature'" in message


def test_it_refuses_a_missing_discharge_item(tmp_path: Path) -> None:
    start = TEXT.index('[[discharge_item]]\nid = "escort"')
    end = TEXT.index('[[discharge_item]]\nid = "aftercare"')
    message = refused(tmp_path, TEXT[:start] + TEXT[end:])
    assert "no [[discharge_item]] for escort" in message


def test_it_refuses_a_sedation_threshold_outside_the_scale(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace("resolved_at = 5", "resolved_at = 6"))
    assert "discharge_item 3" in message and "resolved_at 6" in message


def test_it_refuses_a_route_the_rule_pack_does_not_know(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace('routes = ["iv"]', 'routes = ["rectal"]', 1))
    assert "intervention" in message and "'rectal'" in message


def test_it_refuses_a_side_effect_id_used_twice(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT.replace('id = "vomiting"', 'id = "nausea"'))
    assert "side_effect" in message and "'nausea' is used twice" in message


def test_it_refuses_a_severity_grade_without_a_description(tmp_path: Path) -> None:
    text = re.sub(r'description = "Noticed by[^"]*"\n', "", TEXT, count=1)
    message = refused(tmp_path, text)
    assert "severity 1" in message and "description" in message


def test_it_refuses_a_file_that_is_not_toml(tmp_path: Path) -> None:
    message = refused(tmp_path, TEXT + "\n[[side_effect\n")
    assert "session.toml: cannot be read" in message
