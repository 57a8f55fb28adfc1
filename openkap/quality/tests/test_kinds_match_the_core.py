"""The model's kinds of licence and drill scenarios are the ones the checklist's rules know."""

from __future__ import annotations

from openkap.clinical import quality as core
from openkap.quality.models import CredentialKind, DrillScenario


def test_the_credential_kinds_are_the_cores() -> None:
    assert tuple(CredentialKind.values) == core.CREDENTIAL_KINDS


def test_the_drill_scenarios_are_the_cores() -> None:
    assert tuple(DrillScenario.values) == core.DRILL_SCENARIOS
