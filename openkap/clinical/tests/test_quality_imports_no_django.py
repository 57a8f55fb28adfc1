"""The self-audit's rules are pure Python: deciding a whole audit loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from datetime import date
from openkap.clinical import quality as q
share = q.Share(1, 2)
facts = q.Facts(
    today=date(2026, 1, 1), staff=(), last_drill_on=None, scenario_last_drilled={},
    rule_pack_version="x", protocols=(), screened_before_first_dose=share,
    integration_followed=share, questionnaires_completed=share, consent_kinds_published=frozenset(),
    treatment_consent_signed=share, education_pages=share, offers_esketamine=True,
    offers_at_home=False, rems_certified=False, rems_number="", dea_number="", dea_expires_on=None,
    last_inventory_on=None,
)
q.audit(facts)
print(sorted(n for n in sys.modules if n.split(".")[0] == "django"))
"""


def test_the_self_audit_rules_import_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
