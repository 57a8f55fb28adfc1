"""The public self pre-screen: plain-language answers → the eligibility engine's input → a next step.

The mapping from answers to codes and drug names is data (prescreen_map.toml). The decision is the
engine's (openkap/clinical/eligibility.py). What the person is told is a next step, never a verdict.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from openkap.clinical import eligibility
from openkap.clinical.rulepack import RulePack

MAP_FILE = Path(__file__).resolve().parent / "prescreen_map.toml"


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    codes: tuple[str, ...] = ()
    generic: str = ""


@dataclass(frozen=True)
class PrescreenMap:
    version: str
    conditions: tuple[Option, ...]
    substance: tuple[Option, ...]
    medications: tuple[Option, ...]
    allergy_substance: str
    allergy_answers: frozenset[str]
    pregnant_answers: frozenset[str]
    breastfeeding_answers: frozenset[str]
    routes: dict[str, str]
    settings: dict[str, str]
    kg_per_lb: Decimal


def _options(table: dict[str, Any]) -> tuple[Option, ...]:
    return tuple(
        Option(
            key=key,
            label=entry["label"],
            codes=tuple(entry.get("codes", ())),
            generic=entry.get("generic", ""),
        )
        for key, entry in table.items()
    )


@cache
def prescreen_map() -> PrescreenMap:
    data = tomllib.loads(MAP_FILE.read_text(encoding="utf-8"))
    return PrescreenMap(
        version=data["version"],
        conditions=_options(data["conditions"]),
        substance=_options(data["substance"]),
        medications=_options(data["medications"]),
        allergy_substance=data["allergy"]["substance"],
        allergy_answers=frozenset(data["allergy"]["flag_answers"]),
        pregnant_answers=frozenset(data["pregnancy"]["pregnant_answers"]),
        breastfeeding_answers=frozenset(data["pregnancy"]["breastfeeding_answers"]),
        routes=dict(data["routes"]),
        settings=dict(data["settings"]),
        kg_per_lb=Decimal(str(data["weight"]["kg_per_lb"])),
    )


def engine_input(answers: dict[str, Any]) -> dict[str, Any]:
    """The engine's input (ScreeningInput's fields) from the cleaned answers of PrescreenForm."""
    mapping = prescreen_map()
    by_key = {o.key: o for o in (*mapping.conditions, *mapping.substance, *mapping.medications)}
    codes: list[str] = []
    for key in (*answers.get("conditions", ()), *answers.get("substance", ())):
        for code in by_key[key].codes:
            if code not in codes:
                codes.append(code)
    medications = [by_key[key].generic for key in answers.get("medications", ())]
    weight_kg: float | None = None
    if answers.get("weight") is not None:
        weight = Decimal(answers["weight"])
        if answers.get("weight_unit") == "lb":
            weight = weight * mapping.kg_per_lb
        weight_kg = float(round(weight, 1))
    blood_pressure = None
    if answers.get("systolic") is not None and answers.get("diastolic") is not None:
        blood_pressure = {"systolic": answers["systolic"], "diastolic": answers["diastolic"]}
    return {
        "age_years": answers["age"],
        "sex": answers["sex"],
        "weight_kg": weight_kg,
        "pregnant": answers.get("pregnant") in mapping.pregnant_answers,
        "breastfeeding": answers.get("breastfeeding") in mapping.breastfeeding_answers,
        "conditions": codes,
        "medications": medications,
        "allergies": (
            [mapping.allergy_substance]
            if answers.get("allergy_ketamine") in mapping.allergy_answers
            else []
        ),
        "blood_pressure": blood_pressure,
        "heart_rate": None,
        "route": answers.get("route") or None,
        "setting": answers.get("setting") or None,
    }


@dataclass(frozen=True)
class PrescreenResult:
    decision: str
    findings: list[dict[str, Any]]
    rule_pack: str


def evaluate_answers(inputs: dict[str, Any], *, pack: RulePack | None = None) -> PrescreenResult:
    """Run the eligibility engine (with the chosen clinic's rule pack) on the mapped input.
    Raises eligibility.InputError if it refuses."""
    reading = inputs.get("blood_pressure")
    screening = eligibility.ScreeningInput(
        age_years=inputs["age_years"],
        sex=inputs["sex"],
        weight_kg=inputs["weight_kg"],
        pregnant=inputs["pregnant"],
        breastfeeding=inputs["breastfeeding"],
        conditions=tuple(inputs["conditions"]),
        medications=tuple(inputs["medications"]),
        allergies=tuple(inputs["allergies"]),
        blood_pressure=eligibility.BloodPressure(**reading) if reading else None,
        heart_rate=inputs.get("heart_rate"),
        route=inputs.get("route"),
        setting=inputs.get("setting"),
    )
    decision = eligibility.evaluate(screening, pack=pack)
    # Through JSON and back: what is stored with the lead is exactly what can be shown later.
    findings = json.loads(
        json.dumps([finding.to_json() for finding in decision.findings], default=str)
    )
    return PrescreenResult(
        decision=decision.decision, findings=findings, rule_pack=decision.rule_pack
    )
