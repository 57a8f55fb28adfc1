"""In-session vitals alerts: one alert per limit a set of readings crosses, and only then."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.protocols import protocol, protocol_ids
from openkap.clinical.session import SESSION_FILE, SessionRuleError, vital_alerts

RAW = tomllib.loads(SESSION_FILE.read_text(encoding="utf-8"))
IV = protocol("iv-racemic-ketamine")
ESKETAMINE = protocol("esketamine-trd")
NORMAL = {"systolic": 122, "diastolic": 78, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14}


def test_normal_readings_raise_no_alert() -> None:
    for protocol_id in protocol_ids():
        assert vital_alerts(protocol(protocol_id), NORMAL) == ()


def test_a_systolic_pressure_above_the_iv_limit_raises_one_alert() -> None:
    alerts = vital_alerts(IV, {**NORMAL, "systolic": 185})
    assert [alert.measure for alert in alerts] == ["systolic"]
    alert = alerts[0]
    assert alert.value == 185
    assert alert.level == "relative"
    assert "180" in alert.message and "180" in alert.rule
    assert "Sanacora" in alert.source
    # The Sanacora stop values are [UNVERIFIED] in the research notes.
    assert alert.verified is False
    assert "unverified" in alert.source


def test_a_value_on_the_limit_does_not_cross_it() -> None:
    assert vital_alerts(IV, {**NORMAL, "systolic": 180, "spo2": 92}) == ()


def test_a_low_oxygen_saturation_raises_an_alert_for_esketamine() -> None:
    alerts = vital_alerts(ESKETAMINE, {**NORMAL, "spo2": 88})
    assert [alert.measure for alert in alerts] == ["spo2"]


def test_a_slow_respiratory_rate_raises_the_session_alert() -> None:
    (limit,) = [entry for entry in RAW["vital_limit"] if entry["measure"] == "respiratory_rate"]
    alerts = vital_alerts(ESKETAMINE, {**NORMAL, "respiratory_rate": limit["below"] - 1})
    assert [alert.measure for alert in alerts] == ["respiratory_rate"]
    assert alerts[0].verified is False  # clinic policy
    assert vital_alerts(ESKETAMINE, {**NORMAL, "respiratory_rate": limit["below"]}) == ()


def test_several_crossed_limits_give_several_alerts_with_distinct_ids() -> None:
    alerts = vital_alerts(IV, {"systolic": 200, "diastolic": 120, "heart_rate": 130, "spo2": 85})
    assert {alert.measure for alert in alerts} == {"systolic", "diastolic", "heart_rate", "spo2"}
    assert len({alert.id for alert in alerts}) == len(alerts)


def test_a_partial_set_checks_only_what_was_measured() -> None:
    assert [a.measure for a in vital_alerts(IV, {"heart_rate": 120})] == ["heart_rate"]


def test_an_unknown_measure_is_refused_by_name() -> None:
    with pytest.raises(SessionRuleError, match="temperature"):
        vital_alerts(IV, {"temperature": 37.0})


@pytest.mark.parametrize(
    ("measure", "value"),
    [("systolic", 1200), ("spo2", 101), ("respiratory_rate", 0), ("heart_rate", -5)],
)
def test_an_implausible_value_is_refused_naming_the_measure(measure: str, value: float) -> None:
    with pytest.raises(SessionRuleError, match=f"^{measure}: .*plausible"):
        vital_alerts(IV, {measure: value})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "120"])
def test_a_value_that_is_not_a_number_is_refused(value: object) -> None:
    with pytest.raises(SessionRuleError, match=r"^systolic: must be a number"):
        vital_alerts(IV, {"systolic": value})  # type: ignore[dict-item]


readings = st.fixed_dictionaries(
    {},
    optional={
        "systolic": st.integers(min_value=50, max_value=300),
        "diastolic": st.integers(min_value=20, max_value=200),
        "heart_rate": st.integers(min_value=20, max_value=250),
        "spo2": st.integers(min_value=50, max_value=100),
        "respiratory_rate": st.integers(min_value=2, max_value=60),
    },
)


@given(st.sampled_from(protocol_ids()), readings)
def test_an_alert_is_raised_if_and_only_if_a_limit_is_crossed(
    protocol_id: str, values: dict[str, int]
) -> None:
    item = protocol(protocol_id)
    limits = [(limit.measure, limit.above, limit.below) for limit in item.alert_limits] + [
        (entry["measure"], entry.get("above"), entry.get("below")) for entry in RAW["vital_limit"]
    ]
    expected = sorted(
        measure
        for measure, above, below in limits
        if measure in values
        and (
            (above is not None and values[measure] > above)
            or (below is not None and values[measure] < below)
        )
    )
    alerts = vital_alerts(item, values)
    assert sorted(alert.measure for alert in alerts) == expected
    for alert in alerts:
        assert alert.value == values[alert.measure]
        assert alert.message and alert.source and alert.level


def test_a_measure_given_as_none_is_not_checked() -> None:
    values = {"systolic": 190.0, "respiratory_rate": None}
    alerts = vital_alerts(IV, values)  # type: ignore[arg-type]
    assert [alert.measure for alert in alerts] == ["systolic"]
