"""The estimate buys a plan's dosing sessions the cheapest way: a package when the plan's count fits
one (a package larger than the count does not), single sessions for the rest, and says why."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkap.clinical import costs

SINGLE = costs.Offer("1", "IV infusion", "dosing", Decimal("400.00"), route="iv")
SIX = costs.Offer(
    "2", "IV package of 6", "dosing", Decimal("2100.00"), route="iv", package_sessions=6
)


def _dosing(count: int, offers: list[costs.Offer]) -> costs.Estimate:
    need = costs.Need("dosing", count, route="iv", setting="in_office")
    return costs.estimate(needs=[need], offers=offers)


def test_it_takes_the_package_when_the_count_matches_it():
    result = _dosing(6, [SINGLE, SIX])
    assert [(line.item, line.quantity, line.unit_price) for line in result.lines] == [
        ("IV package of 6", 1, Decimal("2100.00"))
    ]
    assert result.total == Decimal("2100.00")
    assert "IV package of 6" in result.choices[0]
    assert "2400.00" in result.choices[0]  # what single sessions would have cost


def test_it_uses_single_sessions_when_the_package_is_larger_than_the_plan():
    result = _dosing(5, [SINGLE, SIX])
    assert [(line.item, line.quantity) for line in result.lines] == [("IV infusion", 5)]
    assert result.total == Decimal("2000.00")
    assert "no package fits" in result.choices[0]


def test_it_adds_single_sessions_to_a_package_for_the_rest():
    result = _dosing(8, [SINGLE, SIX])
    assert [(line.item, line.quantity) for line in result.lines] == [
        ("IV package of 6", 1),
        ("IV infusion", 2),
    ]
    assert result.total == Decimal("2900.00")


def test_it_buys_two_packages_for_twelve_sessions():
    result = _dosing(12, [SINGLE, SIX])
    assert [(line.item, line.quantity, line.sessions) for line in result.lines] == [
        ("IV package of 6", 2, 12)
    ]
    assert result.total == Decimal("4200.00")


def test_it_prefers_single_sessions_when_the_package_costs_more():
    dear = costs.Offer("3", "Dear package", "dosing", Decimal("2500.00"), package_sessions=6)
    result = _dosing(6, [SINGLE, dear])
    assert [(line.item, line.quantity) for line in result.lines] == [("IV infusion", 6)]
    assert "cheaper than the packages" in result.choices[0]


def test_a_price_for_the_exact_route_wins_over_a_price_for_any_route():
    any_route = costs.Offer("4", "Any dosing", "dosing", Decimal("100.00"))
    result = _dosing(2, [any_route, SINGLE])
    assert result.lines[0].item == "IV infusion"


def test_it_names_the_service_without_a_price():
    with pytest.raises(costs.MissingPrice, match=r"Dosing session \(iv, in office\)"):
        _dosing(7, [SIX])  # no single price for the seventh session


def test_a_package_alone_is_enough_when_it_fits_exactly():
    result = _dosing(6, [SIX])
    assert result.total == Decimal("2100.00")
