"""The REMS form reader is pure Python: using it loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from datetime import date
from openkap.clinical import rems
rems.rems_missing({})
rems.rems_due_date(date(2026, 1, 1))
rems.rems_medication_answers([frozenset({"benzodiazepines"})])
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(loaded)
"""


def test_the_rems_reader_imports_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
