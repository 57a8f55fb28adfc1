"""Properties of every estimate: the total is the sum of the lines at list price, the patient's
total the sum of what they pay, each line's patient_pays = quantity x unit_price - coverage, never
negative, coverage never more than the line, all in cents."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical import costs

cents = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)
services = st.sampled_from(costs.SERVICES)
terms = st.builds(
    costs.CoverageTerm,
    service=services,
    method=st.sampled_from(costs.COVERAGE_METHODS),
    copay=cents,
    coinsurance_percent=st.integers(min_value=0, max_value=10_000).map(lambda b: Decimal(b) / 100),
)


@st.composite
def cases(draw):
    chosen = draw(st.lists(services, min_size=1, max_size=6, unique=True))
    offers = [
        costs.Offer(str(i), f"Item {i}", service, draw(cents)) for i, service in enumerate(chosen)
    ]
    packages = [
        costs.Offer(
            f"p{i}", f"Package {i}", service, draw(cents), package_sessions=draw(st.integers(2, 8))
        )
        for i, service in enumerate(draw(st.lists(st.sampled_from(chosen), max_size=3)))
    ]
    needs = [costs.Need(service, draw(st.integers(1, 20))) for service in chosen]
    return needs, offers + packages, draw(st.lists(terms, max_size=8))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_totals_are_the_sums_of_the_lines(case):
    needs, offers, coverage = case
    result = costs.estimate(needs=needs, offers=offers, coverage=coverage)
    assert result.total == sum(
        (line.unit_price * line.quantity for line in result.lines), Decimal(0)
    )
    assert result.patient_total == sum((line.patient_pays for line in result.lines), Decimal(0))
    for line in result.lines:
        line_total = line.unit_price * line.quantity
        assert line.patient_pays == line_total - line.expected_coverage
        assert line.patient_pays >= 0
        assert 0 <= line.expected_coverage <= line_total
        for amount in (line.unit_price, line.expected_coverage, line.patient_pays):
            assert isinstance(amount, Decimal)
            assert amount == amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_session_the_plan_needs_is_bought_once(case):
    needs, offers, coverage = case
    result = costs.estimate(needs=needs, offers=offers, coverage=coverage)
    for need in needs:
        bought = sum(line.sessions for line in result.lines if line.service == need.service)
        assert bought == need.quantity


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_json_shape_keeps_the_money_exact(case):
    needs, offers, coverage = case
    data = costs.estimate(needs=needs, offers=offers, coverage=coverage).as_dict()
    assert set(data) == {"lines", "total", "patient_total", "currency"}
    for row in data["lines"]:
        assert set(row) == {"item", "quantity", "unit_price", "expected_coverage", "patient_pays"}
        assert Decimal(row["unit_price"]) * row["quantity"] == Decimal(
            row["expected_coverage"]
        ) + Decimal(row["patient_pays"])
