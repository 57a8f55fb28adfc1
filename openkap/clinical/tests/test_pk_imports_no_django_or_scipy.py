"""The PK engine is pure Python + NumPy: a prediction, a plan and a band load no Django and no
SciPy module (SciPy is only a development dependency, used by the tests as the reference)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import pk
m = pk.pk_model_get("perez-ruixo-2021")
pk.pk_simulate(model=m, doses=[pk.Dose("intranasal_esketamine", 56)], weight_kg=70,
               time_min=[0, 10, 20])
pk.pk_infusion_plan(model=m, weight_kg=70, target_ng_per_ml=100, duration_min=20)
pk.pk_population_band(model=m, doses=[pk.Dose("oral", 84)], weight_kg=70, time_min=[0, 10],
                      subjects=10)
print(sorted(n for n in sys.modules if n.split(".")[0] in ("django", "scipy")))
"""


def test_the_engine_imports_neither_django_nor_scipy() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
