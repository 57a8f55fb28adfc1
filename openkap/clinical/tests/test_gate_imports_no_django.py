"""The dosing gate is pure Python: evaluating it loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import gate, protocols
for protocol_id in protocols.protocol_ids():
    gate.gate_evaluate(protocols.protocol(protocol_id), gate.GateAnswers())
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(loaded)
"""


def test_the_gate_imports_no_django() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
