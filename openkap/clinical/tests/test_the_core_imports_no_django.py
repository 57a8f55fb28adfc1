"""The clinical core is pure Python: importing any of its modules, and using each of them as the
app does, loads neither Django nor SciPy (only NumPy). Each case runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FORBIDDEN = ("django", "scipy")
REPORT = f"""
import sys
print(sorted(name for name in sys.modules if name.split(".")[0] in {FORBIDDEN!r}))
"""
EVERY_MODULE = """
import importlib, pkgutil
import openkap.clinical
for module in pkgutil.iter_modules(openkap.clinical.__path__):
    if module.name != "tests":
        importlib.import_module(f"openkap.clinical.{module.name}")
"""
# What the app does with each part of the core.
USES = {
    "every module": EVERY_MODULE,
    "eligibility": """
from openkap.clinical import eligibility, icd10, rulepack
pack = rulepack.load_rule_pack()
eligibility.evaluate_json(
    {"age_years": 40, "sex": "female", "weight_kg": 70, "conditions": ["I71.2"],
     "medications": ["alprazolam", "unknownium"], "route": "intranasal_esketamine"},
    pack=pack.with_local_rules({"raise": [{"rule": "bipolar-disorder", "level": "relative",
                                          "reason": "clinic policy"}]}),
)
icd10.icd10_exists("F32.3")
""",
    "instruments": """
from openkap.clinical import instruments
instruments.score("phq9", [0] * 9)
""",
    "protocols_and_dosing": """
from openkap.clinical import dosing, protocols
for protocol_id in protocols.protocol_ids():
    protocols.plan_schedule(protocol_id)
dosing.dose_calculate(dosing.DoseRequest(route="iv", dose_mg_per_kg=0.5, weight_kg=70,
                                         infusion_min=40, concentration_mg_per_ml=10))
""",
    "gate": """
from openkap.clinical import gate, protocols
for protocol_id in protocols.protocol_ids():
    gate.gate_evaluate(protocols.protocol(protocol_id), gate.GateAnswers())
""",
    "session": """
from openkap.clinical import protocols, session
for protocol_id in protocols.protocol_ids():
    item = protocols.protocol(protocol_id)
    session.vital_alerts(item, {"systolic": 200})
    session.vitals_due(item, dosing_minutes=40, elapsed_minutes=10, taken_minutes=[0],
                       until_minutes=item.minimum_monitoring_minutes)
session.rating_alerts(instrument_id="moaas", score=0)
session.side_effect_terms()
""",
    "rems": """
from datetime import date
from openkap.clinical import rems
rems.rems_missing({})
rems.rems_due_date(date(2026, 1, 1))
rems.rems_medication_answers([frozenset({"benzodiazepines"})])
""",
    "monitoring": """
from datetime import date
from openkap.clinical import monitoring
monitoring.checks_due(first_dose_on=date(2026, 1, 1), last_done={}, today=date(2026, 3, 1))
""",
    "pk": """
from openkap.clinical import pk
m = pk.pk_model_get("perez-ruixo-2021")
pk.pk_simulate(model=m, doses=[pk.Dose("intranasal_esketamine", 56)], weight_kg=70,
               time_min=[0, 10, 20])
pk.pk_infusion_plan(model=m, weight_kg=70, target_ng_per_ml=100, duration_min=20)
pk.pk_population_band(model=m, doses=[pk.Dose("oral", 84)], weight_kg=70, time_min=[0, 10],
                      subjects=10)
""",
    "pk_population": """
from openkap.clinical import pk_population as p
model = p.MammillaryModel(v1_l_per_kg=0.063, k10=0.4381, k12=0.5921, k13=0.59, k21=0.247,
                          k31=0.0146)
subjects = p.sample_subjects(model=model, variability=p.Variability(cv={"k10": 0.3}),
                             subjects=100, seed=0)
p.simulate_population(subjects=subjects, doses=[p.Infusion(0.0, 40.0, mg_per_kg=0.5)],
                      t_end_min=240.0, step_min=1.0, threshold_ng_per_ml=100.0)
""",
    "quality": """
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
""",
    "costs": """
from decimal import Decimal
from openkap.clinical import costs
costs.billing_codes()
costs.estimate(needs=[costs.Need("dosing", 6, route="iv")],
               offers=[costs.Offer("1", "IV", "dosing", Decimal("400.00"))])
""",
}


@pytest.mark.parametrize("program", USES.values(), ids=list(USES))
def test_the_core_loads_neither_django_nor_scipy(program: str) -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", program + REPORT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
