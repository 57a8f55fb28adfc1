"""The population simulation is pure Python + NumPy: running it loads no Django and no SciPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import pk_population as p
model = p.MammillaryModel(v1_l_per_kg=0.063, k10=0.4381, k12=0.5921, k13=0.59, k21=0.247,
                          k31=0.0146)
subjects = p.sample_subjects(model=model, variability=p.Variability(cv={"k10": 0.3}),
                             subjects=100, seed=0)
p.simulate_population(subjects=subjects, doses=[p.Infusion(0.0, 40.0, mg_per_kg=0.5)],
                      t_end_min=240.0, step_min=1.0, threshold_ng_per_ml=100.0)
loaded = sorted(name for name in sys.modules
                if name.split(".")[0] in ("django", "scipy"))
print(loaded)
"""


def test_the_population_simulation_imports_no_django_or_scipy() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
