"""The routes and settings a screening can store are the ones the rule pack knows, so a route chosen
on the page is always one the engine can evaluate and the screening can keep."""

from __future__ import annotations

from openkap.clinical.rulepack import load_rule_pack
from openkap.screening.models import Route, Setting


def test_every_rule_pack_route_can_be_stored_on_a_screening():
    assert set(load_rule_pack().routes) == set(Route.values)


def test_every_rule_pack_setting_can_be_stored_on_a_screening():
    assert set(load_rule_pack().settings) == set(Setting.values)
