"""The schedule file names its sources and refuses malformed data."""

from __future__ import annotations

from pathlib import Path

import pytest

from openkap.clinical import outcomes


def test_every_rule_of_the_schedule_has_a_source_and_a_strength():
    data = outcomes.schedule()
    for rule in (data.always, *data.indications):
        assert rule.source and rule.strength in ("label", "consensus", "clinic policy")
    assert data.timing.source and data.relapse.source
    assert data.timing.verified is False


def test_it_refuses_an_unknown_instrument(tmp_path: Path):
    text = outcomes.SCHEDULE_PATH.read_text().replace(
        'instruments = ["gad7"]', 'instruments = ["nope"]'
    )
    bad = tmp_path / "schedule.toml"
    bad.write_text(text)
    with pytest.raises(outcomes.ScheduleDataError, match="unknown instrument"):
        outcomes.load_schedule(bad)


def test_it_refuses_a_relapse_rule_of_zero_administrations(tmp_path: Path):
    text = outcomes.SCHEDULE_PATH.read_text().replace("consecutive = 2", "consecutive = 0")
    bad = tmp_path / "schedule.toml"
    bad.write_text(text)
    with pytest.raises(outcomes.ScheduleDataError, match="consecutive"):
        outcomes.load_schedule(bad)
