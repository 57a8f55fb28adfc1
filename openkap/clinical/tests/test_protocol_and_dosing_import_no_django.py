"""The protocols and the dose calculation are pure Python: using them loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import dosing, protocols
for protocol_id in protocols.protocol_ids():
    protocols.plan_schedule(protocol_id)
dosing.dose_calculate(dosing.DoseRequest(route="iv", dose_mg_per_kg=0.5, weight_kg=70,
                                         infusion_min=40, concentration_mg_per_ml=10))
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(loaded)
"""


def test_protocols_and_dosing_import_no_django():
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
