"""Sedation (MOAA/S) and dissociation ratings raise alerts at the thresholds in the data."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.instruments import instrument
from openkap.clinical.session import SESSION_FILE, SessionRuleError, rating_alerts

RAW = tomllib.loads(SESSION_FILE.read_text(encoding="utf-8"))


def test_moaas_0_is_loss_of_consciousness() -> None:
    alerts = rating_alerts(instrument_id="moaas", score=0)
    ids = [alert.id for alert in alerts]
    assert "moaas-loss-of-consciousness" in ids
    loss = alerts[ids.index("moaas-loss-of-consciousness")]
    assert "loss of consciousness" in loss.message
    assert (
        loss.verified is True
    )  # MOAA/S 0 = loss of consciousness is in the label (clinical.md 1.3)
    assert loss.measure == "moaas" and loss.value == 0
    assert alerts[0] is loss  # the most severe comes first


def test_moaas_2_is_deep_sedation_and_marked_unverified() -> None:
    alerts = rating_alerts(instrument_id="moaas", score=2)
    assert [alert.id for alert in alerts] == ["moaas-deep-sedation"]
    assert alerts[0].level == "caution"
    assert alerts[0].verified is False
    assert "unverified" in alerts[0].source


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_lighter_sedation_raises_no_alert(score: int) -> None:
    assert rating_alerts(instrument_id="moaas", score=score) == ()


def test_dissociation_alerts_from_the_instruments_flag() -> None:
    (flag,) = [
        rule for rule in instrument("dissociation").flag_rules if rule.flag == "marked_dissociation"
    ]
    assert flag.at_least is not None
    assert rating_alerts(instrument_id="dissociation", score=flag.at_least - 1) == ()
    alerts = rating_alerts(instrument_id="dissociation", score=flag.at_least)
    assert [alert.id for alert in alerts] == ["dissociation-marked"]
    assert rating_alerts(instrument_id="dissociation", score=4)


@pytest.mark.parametrize(
    ("instrument_id", "score"), [("moaas", 6), ("moaas", -1), ("dissociation", 5)]
)
def test_a_rating_out_of_range_is_refused(instrument_id: str, score: int) -> None:
    with pytest.raises(SessionRuleError, match=r"^score: .*must be"):
        rating_alerts(instrument_id=instrument_id, score=score)


@pytest.mark.parametrize("score", [True, 2.5, "3", None])
def test_a_rating_that_is_not_a_whole_number_is_refused(score: object) -> None:
    with pytest.raises(SessionRuleError, match=r"^score: .*whole number"):
        rating_alerts(instrument_id="moaas", score=score)  # type: ignore[arg-type]


def test_an_unknown_instrument_is_refused() -> None:
    with pytest.raises(SessionRuleError, match=r"^instrument_id: 'phq9'"):
        rating_alerts(instrument_id="phq9", score=1)


def _threshold(entry: dict[str, object]) -> tuple[str, int]:
    """The threshold of one [[rating_alert]], read from the raw data (and the instrument's flag)."""
    if "flag" in entry:
        (rule,) = [
            r for r in instrument(str(entry["instrument"])).flag_rules if r.flag == entry["flag"]
        ]
        if rule.at_most is not None:
            return "at_most", rule.at_most
        assert rule.at_least is not None
        return "at_least", rule.at_least
    key = "at_most" if "at_most" in entry else "at_least"
    value = entry[key]
    assert isinstance(value, int)
    return key, value


@given(st.sampled_from(["moaas", "dissociation"]), st.data())
def test_an_alert_is_raised_if_and_only_if_a_threshold_is_met(
    instrument_id: str, data: st.DataObject
) -> None:
    low, high = instrument(instrument_id).total_range
    score = data.draw(st.integers(min_value=low, max_value=high))
    expected = set()
    for entry in RAW["rating_alert"]:
        if entry["instrument"] != instrument_id:
            continue
        key, value = _threshold(entry)
        if (key == "at_most" and score <= value) or (key == "at_least" and score >= value):
            expected.add(entry["id"])
    assert {
        alert.id for alert in rating_alerts(instrument_id=instrument_id, score=score)
    } == expected
