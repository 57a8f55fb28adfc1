"""The eligibility engine, the rule pack and the ICD-10-CM helpers are pure Python: importing and
using them loads no Django module (nor any django* package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROGRAM = """
import sys
from openkap.clinical import eligibility, icd10, rulepack
pack = rulepack.load_rule_pack()
eligibility.evaluate_json(
    {"age_years": 40, "sex": "female", "weight_kg": 70, "conditions": ["I71.2"],
     "medications": ["alprazolam", "unknownium"], "route": "intranasal_esketamine"},
    pack=pack.with_local_rules({"raise": [{"rule": "bipolar-disorder", "level": "relative",
                                          "reason": "clinic policy"}]}),
)
icd10.icd10_exists("F32.3")
print(sorted(name for name in sys.modules if name.startswith("django")))
"""


def test_the_engine_imports_no_django():
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", PROGRAM],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
