"""The boundary to the clinical core: the intake becomes the engine's input, the engine's answer and
the instruments' scores become JSON we store. No clinical rule lives here; the core decides."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openkap.clinical import eligibility, instruments
from openkap.clinical.rulepack import RulePack
from openkap.patients.models import Patient, Sex
from openkap.screening.models import (
    Allergy,
    Measurement,
    Medication,
    PregnancyStatus,
    Problem,
    ReproductiveStatus,
)

# The baseline questionnaires of intake, in the order they are offered. Instruments the core does not
# define are left out; session-only scales (sedation, dissociation) are not part of intake.
INTAKE_INSTRUMENTS = ("phq9", "gad7", "pcl5", "qids-sr16", "asq", "madrs")

LEVEL_LABELS = {
    "absolute": "Hard stop",
    "relative": "Soft stop",
    "caution": "Caution",
    "info": "Information",
    "information": "Information",
}

# Names of the engine's input fields, as people read them on the intake page.
INPUT_LABELS = {
    "age_years": "Age",
    "sex": "Sex",
    "weight_kg": "Weight",
    "pregnant": "Pregnancy status",
    "breastfeeding": "Breastfeeding",
    "conditions": "Problems",
    "medications": "Medications",
    "allergies": "Allergies",
    "blood_pressure": "Blood pressure",
    "heart_rate": "Heart rate",
    "route": "Route",
    "setting": "Setting",
}


class IntakeIncomplete(Exception):
    """The intake lacks something the engine needs; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class EngineRefused(Exception):
    """The engine refused its input (InputError); names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def jsonable(value: Any) -> Any:
    """Plain JSON types: dataclasses as dicts, tuples as lists, decimals as floats."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def latest_measurement(patient: Patient, field: str) -> Measurement | None:
    return (
        Measurement.objects.filter(patient=patient, **{f"{field}__isnull": False})
        .order_by("-taken_at", "-pk")
        .first()
    )


def pregnancy_relevant(patient: Patient) -> bool:
    return str(patient.sex) != Sex.MALE


def build_input(
    *, patient: Patient, route: str = "", setting: str = "", today: date
) -> dict[str, Any]:
    """The engine input from the intake as it stands, in the JSON form `openkap screen` reads.

    Resolved problems are included: a history of, for instance, intracerebral haemorrhage is itself
    what a rule looks for; the prescriber reads every finding. Raises IntakeIncomplete.
    """
    weighed = latest_measurement(patient, "weight_kg")
    if weighed is None or weighed.weight_kg is None:
        raise IntakeIncomplete("weight_kg", "Weight: record the patient's weight first.")
    status = ReproductiveStatus.objects.filter(patient=patient).first()
    pregnant = breastfeeding = False
    if pregnancy_relevant(patient):
        if status is None or not status.pregnancy:
            raise IntakeIncomplete(
                "pregnancy",
                "Pregnancy status: record whether the patient is pregnant (or that it does not "
                "apply) first.",
            )
        pregnant = status.pregnancy == PregnancyStatus.PREGNANT
    if status is not None:
        breastfeeding = status.breastfeeding
    # The engine knows female, male and other; "unknown" is sent as "other".
    sex = str(patient.sex) if patient.sex in (Sex.FEMALE, Sex.MALE) else str(Sex.OTHER)
    data: dict[str, Any] = {
        "age_years": patient.age_on(today),
        "sex": sex,
        "weight_kg": float(weighed.weight_kg),
        "pregnant": pregnant,
        "breastfeeding": breastfeeding,
        "conditions": sorted({p.code for p in Problem.objects.filter(patient=patient)}),
        "medications": sorted(
            {m.name.strip().lower() for m in Medication.objects.filter(patient=patient)}
        ),
        "allergies": sorted(
            {a.substance.strip().lower() for a in Allergy.objects.filter(patient=patient)}
        ),
    }
    pressure = latest_measurement(patient, "systolic")
    if pressure is not None and pressure.systolic is not None and pressure.diastolic is not None:
        data["blood_pressure"] = {
            "systolic": pressure.systolic,
            "diastolic": pressure.diastolic,
        }
    pulse = latest_measurement(patient, "heart_rate")
    if pulse is not None and pulse.heart_rate is not None:
        data["heart_rate"] = pulse.heart_rate
    if route:
        data["route"] = route
    if setting:
        data["setting"] = setting
    return data


def _screening_input(data: dict[str, Any]) -> eligibility.ScreeningInput:
    pressure = data.get("blood_pressure")
    return eligibility.ScreeningInput(
        age_years=data["age_years"],
        sex=data["sex"],
        weight_kg=data["weight_kg"],
        pregnant=data["pregnant"],
        breastfeeding=data["breastfeeding"],
        conditions=tuple(data["conditions"]),
        medications=tuple(data["medications"]),
        allergies=tuple(data["allergies"]),
        blood_pressure=(
            eligibility.BloodPressure(
                systolic=pressure["systolic"], diastolic=pressure["diastolic"]
            )
            if pressure
            else None
        ),
        heart_rate=data.get("heart_rate"),
        route=data.get("route"),
        setting=data.get("setting"),
    )


def _finding_json(finding: eligibility.Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "level": finding.level,
        "message": finding.message,
        "source": finding.source,
        "strength": finding.strength,
        "inputs": jsonable(finding.inputs),
        "alternatives": list(finding.alternatives),
        "verified": finding.verified,
        "note": finding.note,
    }


@dataclasses.dataclass(frozen=True)
class Evaluation:
    decision: str
    rule_pack: str
    findings: list[dict[str, Any]]
    output: dict[str, Any]


def evaluate(data: dict[str, Any], *, pack: RulePack | None = None) -> Evaluation:
    """Run the eligibility engine on an input built by build_input, with the clinic's rule pack.
    Raises EngineRefused."""
    try:
        decision = eligibility.evaluate(_screening_input(data), pack=pack)
    except eligibility.InputError as error:
        field = error.field
        label = INPUT_LABELS.get(field.split(".")[0], field.replace("_", " ") or "Input")
        raise EngineRefused(field, f"{label}: {error.problem}") from error
    # The engine orders the findings, most severe first.
    findings = [_finding_json(f) for f in decision.findings]
    return Evaluation(
        decision=str(decision.decision),
        rule_pack=str(decision.rule_pack),
        findings=findings,
        output=jsonable(decision.to_json()),
    )


# --- Questionnaires ----------------------------------------------------------------------------


def intake_instrument_ids() -> list[str]:
    known = set(instruments.instrument_ids())
    return [instrument_id for instrument_id in INTAKE_INSTRUMENTS if instrument_id in known]


def instrument(instrument_id: str) -> instruments.Instrument:
    return instruments.instrument(instrument_id)


@dataclasses.dataclass(frozen=True)
class Scored:
    total: int | None
    severity: str
    flags: list[str]
    result: dict[str, Any]


class AnswersRefused(Exception):
    """The scorer refused the answers; `item` is the 1-based item at fault, if one is."""

    def __init__(self, message: str, item: int | None = None) -> None:
        super().__init__(message)
        self.item = item


def score(instrument_id: str, answers: Sequence[int]) -> Scored:
    """Score answers with the clinical core. Raises AnswersRefused with the scorer's message."""
    try:
        result = instruments.score(instrument_id, list(answers))
    except instruments.AnswerError as error:
        raise AnswersRefused(str(error), error.item) from error
    return Scored(
        total=result.total,
        severity=result.severity or "",
        flags=list(result.flags),
        result=jsonable(result.to_json()),
    )
