"""The eligibility engine: a screening (age, conditions, medications, allergies, vitals, route,
setting) against the rule pack → a decision with every finding explained.

The decision rule: ineligible when any finding is absolute, needs_review when any is relative,
eligible otherwise. Every finding carries its rule, level, message, source, strength, whether the
source is verified, and the inputs that triggered it. The engine suggests; a clinician decides.

Input arrives as JSON (`screening_input_from_json`, `evaluate_json`) or as a `ScreeningInput` built
in code; both are checked the same way and refused with an `InputError` naming the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from openkap.clinical import icd10
from openkap.clinical.rulepack import (
    LEVEL_RANK,
    LEVELS,
    Limit,
    Rule,
    RulePack,
    allergy_words,
    load_rule_pack,
)

ELIGIBLE = "eligible"
NEEDS_REVIEW = "needs_review"
INELIGIBLE = "ineligible"
DECISIONS: tuple[str, ...] = (ELIGIBLE, NEEDS_REVIEW, INELIGIBLE)

MAX_TEXT_LENGTH = 200
WHOLE_INPUT = "input"  # the field named when the input as a whole is wrong
MAX_LIST_LENGTH = 200


class InputError(ValueError):
    """Input the engine refuses. `field` names it ("blood_pressure.systolic", "[2].weight_kg");
    `problem` is the message without the field; str() gives "field: problem"."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem

    def within(self, prefix: str) -> InputError:
        """The same error for a field inside `prefix` (a list index such as "[2]")."""
        if self.field in ("", WHOLE_INPUT):
            return InputError(prefix, self.problem)
        return InputError(f"{prefix}.{self.field}", self.problem)


@dataclass(frozen=True)
class BloodPressure:
    systolic: int
    diastolic: int


@dataclass(frozen=True)
class ScreeningInput:
    age_years: int
    sex: str
    weight_kg: float
    pregnant: bool = False
    breastfeeding: bool = False
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    blood_pressure: BloodPressure | None = None
    heart_rate: int | None = None
    route: str | None = None
    setting: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    message: str
    source: str
    strength: str
    inputs: dict[str, Any]
    alternatives: tuple[str, ...] = ()
    verified: bool = True
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "source": self.source,
            "inputs": self.inputs,
            "strength": self.strength,
            "alternatives": list(self.alternatives),
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(frozen=True)
class Decision:
    decision: str
    rule_pack: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "rule_pack": self.rule_pack,
            "findings": [finding.to_json() for finding in self.findings],
        }


def decision_for_levels(levels: Iterable[str]) -> str:
    """ineligible if any level is absolute, needs_review if any is relative, eligible otherwise."""
    ranks = [LEVEL_RANK[level] for level in levels]
    worst = max(ranks, default=LEVEL_RANK[LEVELS[0]])
    if worst >= LEVEL_RANK["absolute"]:
        return INELIGIBLE
    if worst >= LEVEL_RANK["relative"]:
        return NEEDS_REVIEW
    return ELIGIBLE


# --- Evaluation -------------------------------------------------------------------------------------


def evaluate(screening: ScreeningInput, *, pack: RulePack | None = None) -> Decision:
    """Screen one patient. Raises InputError when the screening is not valid."""
    pack = pack or load_rule_pack()
    checked = _check(screening, pack)
    found: list[tuple[int, Finding]] = []
    for order, rule in enumerate(pack.rules):
        for finding in _apply(rule, checked):
            found.append((order, finding))
    levels_of = {f.rule: LEVEL_RANK[f.level] for _, f in found}
    hidden = {
        hidden_id
        for _, f in found
        for hidden_id in pack.rule(f.rule).supersedes
        if hidden_id in levels_of and LEVEL_RANK[f.level] >= levels_of[hidden_id]
    }
    kept = [(order, f) for order, f in found if f.rule not in hidden]
    kept.sort(
        key=lambda item: (
            -LEVEL_RANK[item[1].level],
            item[0],
            json.dumps(item[1].inputs, sort_keys=True),
        )
    )
    findings = tuple(f for _, f in kept)
    return Decision(
        decision=decision_for_levels(f.level for f in findings),
        rule_pack=pack.version,
        findings=findings,
    )


@dataclass(frozen=True)
class _Medication:
    given: str
    classes: frozenset[str] | None  # None: not known to the pack
    parts: tuple[str, ...]  # the generic names in it


@dataclass(frozen=True)
class _Checked:
    screening: ScreeningInput
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (code, dotless, leaves under it)
    medications: tuple[_Medication, ...]
    allergies: tuple[tuple[str, tuple[str, ...]], ...]  # (as given, its words)
    broad_code_max_level: str


def _apply(rule: Rule, checked: _Checked) -> list[Finding]:
    screening = checked.screening
    if rule.routes and screening.route not in rule.routes:
        return []
    if rule.settings and screening.setting not in rule.settings:
        return []
    if rule.unknown_medication:
        return [
            _finding(rule, {"medications": [m.given]}, screening)
            for m in checked.medications
            if m.classes is None
        ]
    inputs: dict[str, Any] = {}
    codes: list[str] = []
    broader: list[
        tuple[str, str]
    ] = []  # (a code broader than the rule, a code under it that matches)
    for shown, compact, leaves in checked.conditions:
        if rule.matches_code(compact):
            codes.append(shown)
            continue
        example = next((leaf for leaf in leaves if rule.matches_code(leaf)), None)
        if example is not None:
            codes.append(shown)
            broader.append((shown, icd10.icd10_normalize(example)))
    if codes:
        inputs["conditions"] = codes
    medications = [
        m
        for m in checked.medications
        if m.classes is not None
        and (m.classes.intersection(rule.drug_classes) or set(m.parts).intersection(rule.drugs))
    ]
    if medications:
        inputs["medications"] = [m.given for m in medications]
        classes = sorted(
            {c for m in medications for c in m.classes or () if c in rule.drug_classes}
        )
        if classes:
            inputs["drug_classes"] = classes
    allergies = [given for given, words in checked.allergies if _names_any(words, rule.allergies)]
    if allergies:
        inputs["allergies"] = allergies
    if rule.pregnant and screening.pregnant:
        inputs["pregnant"] = True
    if rule.breastfeeding and screening.breastfeeding:
        inputs["breastfeeding"] = True
    pressure = screening.blood_pressure
    if (
        rule.blood_pressure is not None
        and pressure is not None
        and rule.blood_pressure.crossed(pressure.systolic, pressure.diastolic)
    ):
        inputs["blood_pressure"] = {"systolic": pressure.systolic, "diastolic": pressure.diastolic}
    if (
        rule.heart_rate_above is not None
        and screening.heart_rate is not None
        and screening.heart_rate > rule.heart_rate_above
    ):
        inputs["heart_rate"] = screening.heart_rate
    if rule.age_matches(screening.age_years):
        inputs["age_years"] = screening.age_years
    if rule.has_trigger and not inputs:
        return []
    if broader and len(broader) == len(codes) and set(inputs) == {"conditions"}:
        # Only codes broader than the rule matched: ask for the specific code, soft stop at most.
        level = min(rule.level, checked.broad_code_max_level, key=LEVEL_RANK.__getitem__)
        said = "; ".join(f"{code} includes {example}" for code, example in broader)
        note = (
            f"Matched through a broader code ({said}): record the specific code. "
            f"Shown as {level} until then."
        )
        return [_finding(rule, inputs, screening, level=level, note=f"{note} {rule.note}".strip())]
    return [_finding(rule, inputs, screening)]


def _finding(
    rule: Rule,
    inputs: dict[str, Any],
    screening: ScreeningInput,
    *,
    level: str | None = None,
    note: str | None = None,
) -> Finding:
    if rule.routes:
        inputs["route"] = screening.route
    if rule.settings:
        inputs["setting"] = screening.setting
    return Finding(
        rule=rule.id,
        level=rule.level if level is None else level,
        message=rule.message,
        source=rule.source,
        strength=rule.strength,
        inputs=inputs,
        alternatives=rule.alternatives,
        verified=rule.verified,
        note=rule.note if note is None else note,
    )


def _names_any(words: tuple[str, ...], substances: tuple[str, ...]) -> bool:
    """Whether the allergy's words contain one of the substances as whole words."""
    for substance in substances:
        wanted = tuple(substance.split())
        for start in range(len(words) - len(wanted) + 1):
            if words[start : start + len(wanted)] == wanted:
                return True
    return False


# --- Checking the input -----------------------------------------------------------------------------


def _check(screening: ScreeningInput, pack: RulePack) -> _Checked:
    _check_number(screening.age_years, "age_years", pack.limits["age_years"], whole=True)
    if screening.sex not in pack.sexes:
        raise InputError("sex", f"{screening.sex!r} is not one of {', '.join(pack.sexes)}")
    _check_number(screening.weight_kg, "weight_kg", pack.limits["weight_kg"], whole=False)
    for name in ("pregnant", "breastfeeding"):
        if not isinstance(getattr(screening, name), bool):
            raise InputError(name, "must be true or false")
    conditions: dict[str, tuple[str, tuple[str, ...]]] = {}
    for index, text in enumerate(_texts(screening.conditions, "conditions")):
        try:
            code = icd10.icd10_validate(text)
        except icd10.Icd10Error as error:
            raise InputError(f"conditions[{index}]", str(error)) from None
        if code not in conditions:
            conditions[code] = (icd10.icd10_compact(code), icd10.icd10_leaves_under(code))
    medications: dict[str, _Medication] = {}
    for text in _texts(screening.medications, "medications"):
        name = pack.normalise_drug_name(text) or text.strip().lower()
        if name not in medications:
            medications[name] = _Medication(
                text.strip(), pack.drug_classes_of(text), pack.drug_parts(text)
            )
    allergies: dict[tuple[str, ...], str] = {}
    for text in _texts(screening.allergies, "allergies"):
        allergies.setdefault(allergy_words(text), text.strip())
    pressure = screening.blood_pressure
    if pressure is not None:
        if not isinstance(pressure, BloodPressure):
            raise InputError("blood_pressure", "must have a systolic and a diastolic pressure")
        for name in ("systolic", "diastolic"):
            limit = pack.limits[f"blood_pressure.{name}"]
            _check_number(getattr(pressure, name), f"blood_pressure.{name}", limit, whole=True)
        if pressure.diastolic >= pressure.systolic:
            raise InputError(
                "blood_pressure",
                f"diastolic {pressure.diastolic} is not below systolic {pressure.systolic}",
            )
    if screening.heart_rate is not None:
        _check_number(screening.heart_rate, "heart_rate", pack.limits["heart_rate"], whole=True)
    if screening.route is not None and screening.route not in pack.routes:
        raise InputError(
            "route", f"{screening.route!r} is not a known route ({', '.join(pack.routes)})"
        )
    if screening.setting is not None and screening.setting not in pack.settings:
        raise InputError(
            "setting", f"{screening.setting!r} is not a known setting ({', '.join(pack.settings)})"
        )
    return _Checked(
        screening=screening,
        conditions=tuple((code, *details) for code, details in conditions.items()),
        broad_code_max_level=pack.broad_code_max_level,
        medications=tuple(medications.values()),
        allergies=tuple((given, words) for words, given in allergies.items()),
    )


def _check_number(value: Any, name: str, limit: Limit, *, whole: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, "must be a whole number" if whole else "must be a number")
    # 40.0 is a whole number written by some JSON writers; 40.5 is not.
    if whole and not isinstance(value, int) and not (math.isfinite(value) and value.is_integer()):
        raise InputError(name, f"{value} must be a whole number")
    if not math.isfinite(value) or not limit.minimum <= value <= limit.maximum:
        raise InputError(
            name, f"{_show(value)} is not a plausible {limit.label} ({limit.describe()})"
        )


def _texts(values: Any, name: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, tuple | list):
        raise InputError(name, "must be a list of texts")
    if len(values) > MAX_LIST_LENGTH:
        raise InputError(name, f"more than {MAX_LIST_LENGTH} entries")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{name}[{index}]", "must be a non-empty text")
        if len(value) > MAX_TEXT_LENGTH:
            raise InputError(f"{name}[{index}]", f"longer than {MAX_TEXT_LENGTH} characters")
    return tuple(values)


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- JSON -------------------------------------------------------------------------------------------

_FIELDS = tuple(f.name for f in fields(ScreeningInput))
_REQUIRED = ("age_years", "sex", "weight_kg")


def screening_input_from_json(data: Any, *, pack: RulePack | None = None) -> ScreeningInput:
    """A ScreeningInput from decoded JSON, with types, ranges, codes and vocabularies checked.
    Raises InputError naming the field."""
    pack = pack or load_rule_pack()
    if not isinstance(data, Mapping):
        raise InputError(WHOLE_INPUT, f"expected a JSON object, got {_json_type(data)}")
    unknown = [key for key in data if key not in _FIELDS]
    if unknown:
        raise InputError(str(unknown[0]), f"unknown field (expected {', '.join(_FIELDS)})")
    for name in _REQUIRED:
        if data.get(name) is None:
            raise InputError(name, "is required")
    sex = data["sex"]
    if not isinstance(sex, str):
        raise InputError("sex", f"must be one of {', '.join(pack.sexes)}")
    pressure = data.get("blood_pressure")
    blood_pressure = None
    if pressure is not None:
        if not isinstance(pressure, Mapping):
            raise InputError("blood_pressure", "must be an object {systolic, diastolic}")
        extra = [key for key in pressure if key not in ("systolic", "diastolic")]
        if extra:
            raise InputError(f"blood_pressure.{extra[0]}", "unknown field")
        for name in ("systolic", "diastolic"):
            if pressure.get(name) is None:
                raise InputError(f"blood_pressure.{name}", "is required")
            _check_number(
                pressure[name],
                f"blood_pressure.{name}",
                pack.limits[f"blood_pressure.{name}"],
                whole=True,
            )
        blood_pressure = BloodPressure(
            systolic=int(pressure["systolic"]), diastolic=int(pressure["diastolic"])
        )
    for name in ("route", "setting"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(name, "must be a text")
    heart_rate = data.get("heart_rate")
    if heart_rate is not None:
        _check_number(heart_rate, "heart_rate", pack.limits["heart_rate"], whole=True)
    _check_number(data["age_years"], "age_years", pack.limits["age_years"], whole=True)
    screening = ScreeningInput(
        age_years=int(data["age_years"]),
        sex=_word(sex) or sex,
        weight_kg=data["weight_kg"],
        pregnant=_boolean(data, "pregnant"),
        breastfeeding=_boolean(data, "breastfeeding"),
        conditions=_texts(_list(data, "conditions"), "conditions"),
        medications=_texts(_list(data, "medications"), "medications"),
        allergies=_texts(_list(data, "allergies"), "allergies"),
        blood_pressure=blood_pressure,
        heart_rate=int(heart_rate) if heart_rate is not None else None,
        route=_word(data.get("route")),
        setting=_word(data.get("setting")),
    )
    _check(screening, pack)
    return screening


def _list(data: Mapping[str, Any], name: str) -> Any:
    value = data.get(name)
    return [] if value is None else value


def _word(value: str | None) -> str | None:
    """A vocabulary word as the pack writes it ("IV " → "iv")."""
    return None if value is None else value.strip().lower()


def _boolean(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(name, "must be true or false")
    return value


def evaluate_json(data: Any, *, pack: RulePack | None = None) -> dict[str, Any] | list[Any]:
    """Screen decoded JSON: one object gives one result object, a list gives a list in the same
    order. Raises InputError naming the field (with the list index: "[2].weight_kg")."""
    pack = pack or load_rule_pack()
    if isinstance(data, list):
        results = []
        for index, item in enumerate(data):
            try:
                results.append(_evaluate_one(item, pack))
            except InputError as error:
                raise error.within(f"[{index}]") from None
        return results
    if isinstance(data, Mapping):
        return _evaluate_one(data, pack)
    raise InputError(
        WHOLE_INPUT, f"expected a JSON object or a list of objects, got {_json_type(data)}"
    )


def _evaluate_one(data: Any, pack: RulePack) -> dict[str, Any]:
    return evaluate(screening_input_from_json(data, pack=pack), pack=pack).to_json()


def loads_json(text: str) -> Any:
    """Strict JSON: no NaN or Infinity, no key given twice. Raises InputError."""

    def refuse_constant(name: str) -> Any:
        raise InputError(WHOLE_INPUT, f"not valid JSON: {name} is not a number JSON allows")

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError(key, "given twice")
            result[key] = value
        return result

    try:
        return json.loads(text, parse_constant=refuse_constant, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as error:
        raise InputError(WHOLE_INPUT, f"not valid JSON ({error})") from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
