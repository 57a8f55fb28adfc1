from __future__ import annotations

from functools import lru_cache

from openkap.accounts.models import Clinic
from openkap.clinical.rulepack import RulePack, load_rule_pack, parse_local_rules
from openkap.knowledge.models import ClinicRules


def clinic_rules_current(*, clinic: Clinic) -> ClinicRules | None:
    return ClinicRules.objects.filter(clinic=clinic).order_by("-version").first()


@lru_cache(maxsize=64)
def _pack_with(text: str) -> RulePack:
    return load_rule_pack().with_local_rules(parse_local_rules(text))


def clinic_rule_pack(*, clinic: Clinic) -> RulePack:
    """The rule pack in force at a clinic: the bundled pack with the clinic's newest local rules."""
    current = clinic_rules_current(clinic=clinic)
    return _pack_with(current.text) if current else load_rule_pack()
