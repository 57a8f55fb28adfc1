"""The long-term monitoring rule is pure Python: deciding what is due loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from datetime import date
from openkap.clinical import monitoring
monitoring.checks_due(first_dose_on=date(2026, 1, 1), last_done={}, today=date(2026, 3, 1))
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(loaded)
"""


def test_the_monitoring_rule_imports_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
