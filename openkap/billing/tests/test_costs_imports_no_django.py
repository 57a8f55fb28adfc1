"""The estimate arithmetic (openkap/clinical/costs.py) is pure Python: computing an estimate and
reading the codes file loads no Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from decimal import Decimal
from openkap.clinical import costs
costs.billing_codes()
costs.estimate(needs=[costs.Need("dosing", 6, route="iv")],
               offers=[costs.Offer("1", "IV", "dosing", Decimal("400.00"))])
print(sorted(name for name in sys.modules if name.split(".")[0] == "django"))
"""


def test_the_estimate_imports_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
