"""Expected coverage per line: a copay per session (never more than the line), a coinsurance share
rounded half-up to cents, covered in full, not covered, or nothing recorded; a rule for a route
wins over the payer's default for the service. Money is Decimal with two places, never float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkap.clinical import costs


def _one(
    service: str, price: str, quantity: int, terms: list[costs.CoverageTerm], route: str = ""
) -> costs.EstimateLine:
    offer = costs.Offer("1", "Item", service, Decimal(price), route=route)
    result = costs.estimate(
        needs=[costs.Need(service, quantity, route=route)], offers=[offer], coverage=terms
    )
    assert len(result.lines) == 1
    return result.lines[0]


def test_a_copay_is_paid_per_session():
    line = _one(
        "integration",
        "150.00",
        6,
        [costs.CoverageTerm("integration", "copay", copay=Decimal("30"))],
    )
    assert line.patient_pays == Decimal("180.00")
    assert line.expected_coverage == Decimal("720.00")


def test_a_copay_larger_than_the_price_costs_the_price_only():
    line = _one(
        "integration", "40.00", 1, [costs.CoverageTerm("integration", "copay", copay=Decimal("50"))]
    )
    assert line.patient_pays == Decimal("40.00")
    assert line.expected_coverage == Decimal("0.00")


def test_coinsurance_is_the_patients_share_of_the_line():
    line = _one(
        "preparation",
        "200.00",
        1,
        [costs.CoverageTerm("preparation", "coinsurance", coinsurance_percent=Decimal("20"))],
    )
    assert line.patient_pays == Decimal("40.00")
    assert line.expected_coverage == Decimal("160.00")


def test_coinsurance_rounds_half_up_to_the_cent():
    # 12.5% of 1.00 is 0.125: half-up gives 0.13 (banker's rounding would give 0.12).
    line = _one(
        "preparation",
        "1.00",
        1,
        [costs.CoverageTerm("preparation", "coinsurance", coinsurance_percent=Decimal("12.5"))],
    )
    assert line.patient_pays == Decimal("0.13")
    assert line.expected_coverage == Decimal("0.87")
    assert line.patient_pays.as_tuple().exponent == -2


def test_covered_in_full_leaves_nothing_to_pay():
    line = _one("evaluation", "350.00", 1, [costs.CoverageTerm("evaluation", "covered")])
    assert line.patient_pays == Decimal("0.00")


def test_not_covered_and_no_rule_leave_the_whole_line_to_the_patient():
    not_covered = _one("dosing", "400.00", 2, [costs.CoverageTerm("dosing", "not_covered")])
    nothing = _one("dosing", "400.00", 2, [])
    assert not_covered.patient_pays == nothing.patient_pays == Decimal("800.00")
    assert "No coverage recorded" in nothing.coverage_explanation


def test_a_rule_for_the_route_wins_over_the_default_for_the_service():
    terms = [
        costs.CoverageTerm("dosing", "not_covered"),
        costs.CoverageTerm(
            "dosing",
            "copay",
            route="intranasal_esketamine",
            copay=Decimal("10"),
            note="Savings programme.",
        ),
    ]
    esketamine = _one("dosing", "885.00", 2, terms, route="intranasal_esketamine")
    generic = _one("dosing", "400.00", 2, terms, route="iv")
    assert esketamine.patient_pays == Decimal("20.00")
    assert "Savings programme." in esketamine.coverage_explanation
    assert generic.patient_pays == Decimal("800.00")


@pytest.mark.parametrize("bad", [1.5, "12.345", "-1", "abc", "NaN"])
def test_money_refuses_floats_fractions_of_a_cent_and_nonsense(bad):
    with pytest.raises(costs.CostError):
        costs.money(bad)


def test_an_offer_with_a_price_in_fractions_of_a_cent_is_refused():
    offer = costs.Offer("1", "Odd", "evaluation", Decimal("10.005"))
    with pytest.raises(costs.CostError, match="price of Odd"):
        costs.estimate(needs=[costs.Need("evaluation", 1)], offers=[offer])
