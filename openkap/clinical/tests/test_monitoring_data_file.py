"""The monitoring data: bladder, liver and cognition checks, each sourced, intervals unverified."""

from __future__ import annotations

from pathlib import Path

import pytest

from openkap.clinical.monitoring import (
    MONITORING_FILE,
    MonitoringError,
    load_monitoring,
    load_monitoring_file,
)


def test_it_holds_the_three_checks_of_the_research_notes() -> None:
    ids = {check.id for check in load_monitoring().checks}
    assert ids == {"bladder", "liver", "cognition"}


def test_every_interval_is_marked_unverified_with_what_to_check() -> None:
    # clinical.md 7: no guideline gives an interval; each is clinic policy.
    for check in load_monitoring().checks:
        assert not check.verified, check.id
        assert "clinic policy" in check.note, check.id
        assert check.source.strip(), check.id


def test_it_refuses_a_check_without_a_source_naming_the_file_and_key(tmp_path: Path) -> None:
    text = MONITORING_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "monitoring.toml"
    first_source = text.index('source = "SPRAVATO US label 5.9')
    end = text.index("\n", first_source)
    broken.write_text(text[:first_source] + text[end + 1 :], encoding="utf-8")

    with pytest.raises(MonitoringError, match=r"monitoring.toml check 'bladder'.source"):
        load_monitoring_file(broken)


def test_it_refuses_an_unverified_entry_without_a_note(tmp_path: Path) -> None:
    text = MONITORING_FILE.read_text(encoding="utf-8")
    start = text.index('note = "The need to screen')
    end = text.index("\n", start)
    broken = tmp_path / "monitoring.toml"
    broken.write_text(text[:start] + text[end + 1 :], encoding="utf-8")

    with pytest.raises(MonitoringError, match=r"check 'bladder'.note"):
        load_monitoring_file(broken)


def test_it_refuses_a_default_interval_outside_the_limits(tmp_path: Path) -> None:
    text = MONITORING_FILE.read_text(encoding="utf-8").replace(
        "interval_days = 30", "interval_days = 3", 1
    )
    broken = tmp_path / "monitoring.toml"
    broken.write_text(text, encoding="utf-8")

    with pytest.raises(MonitoringError, match=r"check 'bladder'.interval_days"):
        load_monitoring_file(broken)
