"""The session rules are pure Python: using them loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import protocols, session
for protocol_id in protocols.protocol_ids():
    item = protocols.protocol(protocol_id)
    session.vital_alerts(item, {"systolic": 200})
    session.vitals_due(item, dosing_minutes=40, elapsed_minutes=10, taken_minutes=[0],
                       until_minutes=item.minimum_monitoring_minutes)
session.rating_alerts(instrument_id="moaas", score=0)
session.side_effect_terms()
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(loaded)
"""


def test_the_session_rules_import_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
