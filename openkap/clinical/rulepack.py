"""The eligibility rule pack: the knowledge data under knowledge/rulepack/, read and checked.

`load_rule_pack()` reads the bundled pack once (cached) and refuses it with a `RulePackError` naming
the file and the entry when anything is wrong: an unknown key, a bad level or strength, a malformed or
non-existent ICD-10-CM code, a duplicate id, a reference to a set or class that does not exist.

A clinic may overlay local rules (`RulePack.with_local_rules`): new rules, and raising the level of an
existing rule (info < caution < relative < absolute). Lowering a level is refused: a clinic may make
the rules stricter, never looser. The overlaid pack's version names the local rules by a digest, so a
screening records exactly which rules produced it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from openkap.clinical import icd10

PACK_DIR = Path(__file__).resolve().parent / "knowledge" / "rulepack"

# The engine's levels, least to most severe. The decision rule reads them; they are not clinical facts.
LEVELS: tuple[str, ...] = ("info", "caution", "relative", "absolute")
LEVEL_RANK: Mapping[str, int] = MappingProxyType({level: rank for rank, level in enumerate(LEVELS)})
STRENGTHS: tuple[str, ...] = ("label", "consensus", "clinic_policy")
# The input fields whose plausibility limits the pack must define.
LIMITED_FIELDS: tuple[str, ...] = (
    "age_years",
    "weight_kg",
    "blood_pressure.systolic",
    "blood_pressure.diastolic",
    "heart_rate",
)

_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_PARENTHESES = re.compile(r"\([^)]*\)")
_COMBINATION = re.compile(r"\s*(?:/|\+|,|&|\band\b|\bwith\b|-)\s*")
_WORDS = re.compile(r"[a-z0-9]+")


class RulePackError(ValueError):
    """The rule pack (or a clinic's local rules) is not valid; the message names the entry."""


class LocalRulesError(RulePackError):
    """A clinic's local rules are not valid, or try to loosen a rule."""


# --- The data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePattern:
    """A code or category ("I71" matches I71.*), or a range of them ("I20-I25")."""

    text: str
    low: str  # dotless
    high: str

    def matches(self, compact_code: str) -> bool:
        return (
            compact_code[: len(self.low)] >= self.low
            and compact_code[: len(self.high)] <= self.high
        )


@dataclass(frozen=True)
class ConditionSet:
    id: str
    name: str
    codes: tuple[CodePattern, ...]
    excluded: tuple[CodePattern, ...] = ()

    def matches(self, compact_code: str) -> bool:
        return any(p.matches(compact_code) for p in self.codes) and not any(
            p.matches(compact_code) for p in self.excluded
        )


@dataclass(frozen=True)
class DrugClass:
    id: str
    name: str
    members: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class BloodPressureThreshold:
    """Crossed when either pressure crosses its limit (above = strictly above; at_least = at or above)."""

    systolic_above: int | None = None
    diastolic_above: int | None = None
    systolic_at_least: int | None = None
    diastolic_at_least: int | None = None

    def crossed(self, systolic: int, diastolic: int) -> bool:
        return (
            (self.systolic_above is not None and systolic > self.systolic_above)
            or (self.diastolic_above is not None and diastolic > self.diastolic_above)
            or (self.systolic_at_least is not None and systolic >= self.systolic_at_least)
            or (self.diastolic_at_least is not None and diastolic >= self.diastolic_at_least)
        )


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    message: str
    source: str
    strength: str
    verified: bool = True
    note: str = ""
    alternatives: tuple[str, ...] = ()
    # Triggers: the rule fires when any of them matches.
    conditions: tuple[ConditionSet, ...] = ()
    codes: tuple[CodePattern, ...] = ()
    drug_classes: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    pregnant: bool = False
    breastfeeding: bool = False
    blood_pressure: BloodPressureThreshold | None = None
    heart_rate_above: int | None = None
    age_below: int | None = None
    age_at_least: int | None = None
    age_at_most: int | None = None
    unknown_medication: bool = False
    # Filters: the rule applies only when the screening names one of these.
    routes: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    # Set when a clinic's local rules raised the level, or added the rule.
    raised_from: str = ""
    local: bool = False

    def matches_code(self, compact_code: str) -> bool:
        return any(s.matches(compact_code) for s in self.conditions) or any(
            p.matches(compact_code) for p in self.codes
        )

    @property
    def has_age_trigger(self) -> bool:
        return any(v is not None for v in (self.age_below, self.age_at_least, self.age_at_most))

    def age_matches(self, age: int) -> bool:
        return (
            self.has_age_trigger
            and (self.age_below is None or age < self.age_below)
            and (self.age_at_least is None or age >= self.age_at_least)
            and (self.age_at_most is None or age <= self.age_at_most)
        )

    @property
    def has_trigger(self) -> bool:
        return bool(
            self.conditions
            or self.codes
            or self.drug_classes
            or self.drugs
            or self.allergies
            or self.pregnant
            or self.breastfeeding
            or self.blood_pressure is not None
            or self.heart_rate_above is not None
            or self.has_age_trigger
            or self.unknown_medication
        )


@dataclass(frozen=True)
class Limit:
    field: str
    minimum: float
    maximum: float
    unit: str
    label: str

    def describe(self) -> str:
        return f"{_number(self.minimum)}-{_number(self.maximum)} {self.unit}"


@dataclass(frozen=True)
class RulePack:
    version: str
    base_version: str
    effective_date: str
    title: str
    rules: tuple[Rule, ...]
    condition_sets: Mapping[str, ConditionSet]
    drug_classes: Mapping[str, DrugClass]
    routes: Mapping[str, str]
    settings: Mapping[str, str]
    sexes: tuple[str, ...]
    limits: Mapping[str, Limit]
    ignored_name_words: frozenset[str]
    # The highest level a rule reaches through a code broader than its own codes.
    broad_code_max_level: str = "relative"
    # Normalised generic name → ids of the classes it belongs to (empty for a name a rule lists).
    drug_index: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def normalise_drug_name(self, text: str) -> str:
        return normalise_drug_name(text, self.ignored_name_words)

    def drug_parts(self, text: str) -> tuple[str, ...]:
        """The generic names in a medication name: itself, or the parts of a combination the pack
        does not know as a whole ("amphetamine/dextroamphetamine")."""
        name = self.normalise_drug_name(text)
        if name in self.drug_index:
            return (name,)
        parts = tuple(p for p in map(self.normalise_drug_name, _COMBINATION.split(name)) if p)
        return parts if len(parts) > 1 else (name,)

    def drug_classes_of(self, text: str) -> frozenset[str] | None:
        """The classes of a medication name, or None when the pack does not know it (a combination
        is known when every part is)."""
        parts = self.drug_parts(text)
        if not parts or any(p not in self.drug_index for p in parts):
            return None
        return frozenset().union(*(self.drug_index[p] for p in parts))

    def with_local_rules(self, local: Mapping[str, Any]) -> RulePack:
        return apply_local_rules(self, local)


def normalise_drug_name(text: str, ignored: Iterable[str] = ()) -> str:
    """Lower case, without parentheses, doses and salt/formulation words: 'Alprazolam ER 0.5 mg' →
    'alprazolam'."""
    lowered = _PARENTHESES.sub(" ", text.lower().replace("\u2019", "'"))
    ignored_words = set(ignored)
    kept = [
        token.strip(".,;:")
        for token in lowered.split()
        if token.strip(".,;:") not in ignored_words and not any(c.isdigit() for c in token)
    ]
    return " ".join(t for t in kept if t)


def allergy_words(text: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(text.lower()))


# --- Loading ----------------------------------------------------------------------------------------


@cache
def load_rule_pack() -> RulePack:
    """The bundled rule pack, read and checked once."""
    return load_rule_pack_from(PACK_DIR)


def load_rule_pack_from(directory: Path) -> RulePack:
    """A rule pack from a folder holding pack.toml, routes.toml, conditions.toml, drugs.toml and
    rules.toml. Raises RulePackError naming the file and entry at the first problem."""
    files = {
        name: _read_toml(directory / f"{name}.toml")
        for name in ("pack", "routes", "conditions", "drugs", "rules")
    }
    pack_data = _Table(files["pack"], "pack.toml")
    version = pack_data.text("version")
    effective_date = pack_data.text("effective_date")
    title = pack_data.text("title")
    input_table = _Table(pack_data.table("input"), "pack.toml [input]")
    sexes = input_table.texts("sexes", required=True)
    input_table.done()
    matching = _Table(pack_data.table("matching"), "pack.toml [matching]")
    broad_code_max_level = matching.text("broad_code_max_level")
    if broad_code_max_level not in LEVELS:
        raise RulePackError(
            f"pack.toml [matching]: broad_code_max_level {broad_code_max_level!r} is not one of "
            f"{', '.join(LEVELS)}"
        )
    matching.done()
    limits = _read_limits(pack_data.table("limits"))
    pack_data.done()

    routes_data = _Table(files["routes"], "routes.toml")
    routes = _read_names(routes_data.table("routes"), "routes.toml [routes]")
    settings = _read_names(routes_data.table("settings"), "routes.toml [settings]")
    routes_data.done()

    conditions_data = dict(files["conditions"])
    condition_sets = {
        set_id: _read_condition_set(set_id, entry, f"conditions.toml [{set_id}]")
        for set_id, entry in conditions_data.items()
    }

    drugs_data = dict(files["drugs"])
    names = _Table(
        _as_table(drugs_data.pop("names", {}), "drugs.toml [names]"), "drugs.toml [names]"
    )
    ignored = frozenset(w.lower() for w in names.texts("ignore"))
    names.done()
    drug_classes = {
        class_id: _read_drug_class(class_id, entry, ignored, f"drugs.toml [{class_id}]")
        for class_id, entry in drugs_data.items()
    }

    rules_data = _Table(files["rules"], "rules.toml")
    raw_rules = rules_data.tables("rule")
    rules_data.done()
    context = _Context(condition_sets, drug_classes, routes, settings, ignored)
    rules = [
        _read_rule(raw, context, f"rules.toml rule {number} ({raw.get('id', 'no id')!r})")
        for number, raw in enumerate(raw_rules, start=1)
    ]
    _check_rules(rules, "rules.toml")
    if not any(rule.unknown_medication for rule in rules):
        raise RulePackError("rules.toml: no rule has unknown_medication = true")
    return _assemble(
        version=version,
        base_version=version,
        effective_date=effective_date,
        title=title,
        rules=tuple(rules),
        condition_sets=condition_sets,
        drug_classes=drug_classes,
        routes=routes,
        settings=settings,
        sexes=sexes,
        limits=limits,
        ignored=ignored,
        broad_code_max_level=broad_code_max_level,
    )


def _assemble(
    *,
    version: str,
    base_version: str,
    effective_date: str,
    title: str,
    rules: tuple[Rule, ...],
    condition_sets: Mapping[str, ConditionSet],
    drug_classes: Mapping[str, DrugClass],
    routes: Mapping[str, str],
    settings: Mapping[str, str],
    sexes: tuple[str, ...],
    limits: Mapping[str, Limit],
    ignored: frozenset[str],
    broad_code_max_level: str,
) -> RulePack:
    index: dict[str, set[str]] = {}
    for drug_class in drug_classes.values():
        for member in drug_class.members:
            index.setdefault(member, set()).add(drug_class.id)
    for rule in rules:
        for drug in rule.drugs:
            index.setdefault(drug, set())
    return RulePack(
        version=version,
        base_version=base_version,
        effective_date=effective_date,
        title=title,
        rules=rules,
        condition_sets=MappingProxyType(dict(condition_sets)),
        drug_classes=MappingProxyType(dict(drug_classes)),
        routes=MappingProxyType(dict(routes)),
        settings=MappingProxyType(dict(settings)),
        sexes=sexes,
        limits=MappingProxyType(dict(limits)),
        ignored_name_words=ignored,
        broad_code_max_level=broad_code_max_level,
        drug_index=MappingProxyType({name: frozenset(ids) for name, ids in index.items()}),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise RulePackError(f"{path.name}: missing from {path.parent}") from None
    except tomllib.TOMLDecodeError as error:
        raise RulePackError(f"{path.name}: not valid TOML ({error})") from None


def _read_limits(data: Mapping[str, Any]) -> dict[str, Limit]:
    limits: dict[str, Limit] = {}
    for name, entry in data.items():
        where = f"pack.toml [limits.{name}]"
        table = _Table(_as_table(entry, where), where)
        minimum = table.number("min")
        maximum = table.number("max")
        if minimum >= maximum:
            raise RulePackError(f"{where}: min must be below max")
        limits[name] = Limit(name, minimum, maximum, table.text("unit"), table.text("label"))
        table.done()
    missing = [name for name in LIMITED_FIELDS if name not in limits]
    if missing:
        raise RulePackError(f"pack.toml [limits]: missing limits for {', '.join(missing)}")
    return limits


def _read_names(data: Mapping[str, Any], where: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, entry in data.items():
        _check_id(key, f"{where} {key!r}")
        table = _Table(_as_table(entry, f"{where}.{key}"), f"{where}.{key}")
        names[key] = table.text("name")
        table.done()
    if not names:
        raise RulePackError(f"{where}: empty")
    return names


def _read_pattern(text: Any, where: str) -> CodePattern:
    if not isinstance(text, str):
        raise RulePackError(f"{where}: {text!r} is not a text")
    ends = text.split("-")
    if len(ends) > 2:
        raise RulePackError(f"{where}: {text!r} is not a code or a range of codes")
    compact = []
    for end in ends:
        if not icd10.icd10_is_well_formed(end) or end.strip() != end:
            raise RulePackError(f"{where}: {text!r} is not a well-formed ICD-10-CM code or range")
        if not icd10.icd10_exists(end):
            raise RulePackError(f"{where}: {end!r} is not an ICD-10-CM code")
        if icd10.icd10_normalize(end) != end:
            raise RulePackError(f"{where}: write {end!r} as {icd10.icd10_normalize(end)!r}")
        compact.append(icd10.icd10_compact(end))
    low, high = compact[0], compact[-1]
    if low > high:
        raise RulePackError(f"{where}: range {text!r} runs backwards")
    return CodePattern(text=text, low=low, high=high)


def _read_patterns(values: tuple[str, ...], where: str) -> tuple[CodePattern, ...]:
    return tuple(_read_pattern(v, f"{where}[{i}]") for i, v in enumerate(values))


def _read_condition_set(set_id: str, entry: Any, where: str) -> ConditionSet:
    _check_id(set_id, where)
    table = _Table(_as_table(entry, where), where)
    condition_set = ConditionSet(
        id=set_id,
        name=table.text("name"),
        codes=_read_patterns(table.texts("codes", required=True), f"{where} codes"),
        excluded=_read_patterns(table.texts("except"), f"{where} except"),
    )
    table.done()
    return condition_set


def _read_drug_class(class_id: str, entry: Any, ignored: frozenset[str], where: str) -> DrugClass:
    _check_id(class_id, where)
    table = _Table(_as_table(entry, where), where)
    members = table.texts("members", required=True)
    for member in members:
        _check_drug_name(member, ignored, f"{where} members")
    if len(set(members)) != len(members):
        raise RulePackError(f"{where}: a member is listed twice")
    drug_class = DrugClass(class_id, table.text("name"), members, table.text("note", default=""))
    table.done()
    return drug_class


def _check_drug_name(name: str, ignored: frozenset[str], where: str) -> None:
    if normalise_drug_name(name, ignored) != name:
        raise RulePackError(
            f"{where}: {name!r} must be written as it reads after normalisation "
            f"({normalise_drug_name(name, ignored)!r})"
        )


@dataclass(frozen=True)
class _Context:
    condition_sets: Mapping[str, ConditionSet]
    drug_classes: Mapping[str, DrugClass]
    routes: Mapping[str, str]
    settings: Mapping[str, str]
    ignored: frozenset[str]


_BLOOD_PRESSURE_KEYS = tuple(f.name for f in dataclasses.fields(BloodPressureThreshold))


def _read_rule(
    raw: Mapping[str, Any], context: _Context, where: str, *, local: bool = False
) -> Rule:
    table = _Table(raw, where)
    rule_id = table.text("id")
    _check_id(rule_id, where)
    level = table.text("level")
    if level not in LEVELS:
        raise RulePackError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    strength = table.text("strength", default="clinic_policy" if local else None)
    if strength not in STRENGTHS:
        raise RulePackError(f"{where}: strength {strength!r} is not one of {', '.join(STRENGTHS)}")
    source = table.text("source")
    if "clinical.md" in source.lower():
        raise RulePackError(f"{where}: cite the original source, not the research notes")
    verified = table.boolean("verified", default=True)
    note = table.text("note", default="")
    if not verified and not note:
        raise RulePackError(f"{where}: verified = false needs a note saying what to check")

    condition_ids = table.texts("conditions")
    for condition_id in condition_ids:
        if condition_id not in context.condition_sets:
            raise RulePackError(f"{where}: no condition set {condition_id!r} in conditions.toml")
    class_ids = table.texts("drug_classes")
    for class_id in class_ids:
        if class_id not in context.drug_classes:
            raise RulePackError(f"{where}: no drug class {class_id!r} in drugs.toml")
    drugs = table.texts("drugs")
    for drug in drugs:
        _check_drug_name(drug, context.ignored, f"{where} drugs")
    allergies = table.texts("allergies")
    for allergy in allergies:
        if " ".join(allergy_words(allergy)) != allergy:
            raise RulePackError(f"{where}: allergy substance {allergy!r} must be lower-case words")
    routes = table.texts("routes")
    for route in routes:
        if route not in context.routes:
            raise RulePackError(f"{where}: no route {route!r} in routes.toml")
    settings = table.texts("settings")
    for setting in settings:
        if setting not in context.settings:
            raise RulePackError(f"{where}: no setting {setting!r} in routes.toml")

    pressure_data = table.optional_table("blood_pressure")
    pressure = None
    if pressure_data is not None:
        pressure_table = _Table(pressure_data, f"{where} blood_pressure")
        pressure = BloodPressureThreshold(
            **{key: pressure_table.integer(key) for key in _BLOOD_PRESSURE_KEYS}
        )
        pressure_table.done()
        if all(getattr(pressure, key) is None for key in _BLOOD_PRESSURE_KEYS):
            raise RulePackError(f"{where}: blood_pressure names no threshold")

    for flag in ("pregnant", "breastfeeding", "unknown_medication"):
        if flag in raw and raw[flag] is not True:
            raise RulePackError(f"{where}: {flag} may only be true (leave it out otherwise)")
    supersedes = table.texts("supersedes")
    if local and supersedes:
        raise RulePackError(f"{where}: a local rule may not supersede (hide) another rule")
    rule = Rule(
        id=rule_id,
        level=level,
        message=table.text("message"),
        source=source,
        strength=strength,
        verified=verified,
        note=note,
        alternatives=table.texts("alternatives"),
        conditions=tuple(context.condition_sets[c] for c in condition_ids),
        codes=_read_patterns(table.texts("codes"), f"{where} codes"),
        drug_classes=class_ids,
        drugs=drugs,
        allergies=allergies,
        pregnant=table.boolean("pregnant", default=False),
        breastfeeding=table.boolean("breastfeeding", default=False),
        blood_pressure=pressure,
        heart_rate_above=table.integer("heart_rate_above"),
        age_below=table.integer("age_below"),
        age_at_least=table.integer("age_at_least"),
        age_at_most=table.integer("age_at_most"),
        unknown_medication=table.boolean("unknown_medication", default=False),
        routes=routes,
        settings=settings,
        supersedes=supersedes,
        local=local,
    )
    table.done()
    if not rule.has_trigger and not rule.routes and not rule.settings:
        raise RulePackError(f"{where}: the rule matches nothing")
    return rule


def _check_rules(rules: list[Rule], where: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulePackError(f"{where}: rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    for rule in rules:
        for other in rule.supersedes:
            if other not in seen or other == rule.id:
                raise RulePackError(f"{where}: rule {rule.id!r} supersedes unknown rule {other!r}")


def _check_id(value: str, where: str) -> None:
    if not _ID.match(value):
        raise RulePackError(f"{where}: id {value!r} must be lower-case words joined by hyphens")


# --- Local rules ------------------------------------------------------------------------------------


def parse_local_rules(text: str) -> dict[str, Any]:
    """A clinic's local rules from TOML text (see docs/clinical-rules.md for the format)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LocalRulesError(f"local rules: not valid TOML ({error})") from None


def load_local_rules(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LocalRulesError(f"local rules: cannot read {path} ({error.strerror})") from None
    return parse_local_rules(text)


def apply_local_rules(pack: RulePack, local: Mapping[str, Any]) -> RulePack:
    """The pack with a clinic's local rules laid over it.

    `local` holds `name` (optional), `rule` (new rules, in the pack's rule format; ids must be new)
    and `raise` (entries `{rule, level, reason}` that make an existing rule stricter). Lowering a
    level, or changing a rule in any other way, is refused with LocalRulesError.
    """
    try:
        return _apply_local_rules(pack, local)
    except LocalRulesError:
        raise
    except RulePackError as error:
        raise LocalRulesError(str(error)) from None


def _apply_local_rules(pack: RulePack, local: Mapping[str, Any]) -> RulePack:
    table = _Table(_as_table(local, "local rules"), "local rules")
    table.text("name", default="")
    new_rules_data = table.tables("rule")
    raises = table.tables("raise")
    table.done()
    context = _Context(
        pack.condition_sets, pack.drug_classes, pack.routes, pack.settings, pack.ignored_name_words
    )
    existing = {rule.id for rule in pack.rules}
    added: list[Rule] = []
    for number, raw in enumerate(new_rules_data, start=1):
        where = f"local rules: rule {number} ({raw.get('id', 'no id')!r})"
        rule = _read_rule(raw, context, where, local=True)
        if rule.id in existing:
            raise LocalRulesError(
                f"{where}: the pack already has rule {rule.id!r}; use [[raise]] to make it stricter"
            )
        added.append(rule)
    rules = [*pack.rules, *added]
    _check_rules(rules, "local rules")
    by_id = {rule.id: index for index, rule in enumerate(rules)}
    raised: set[str] = set()
    for number, raw in enumerate(raises, start=1):
        where = f"local rules: raise {number}"
        entry = _Table(raw, where)
        rule_id = entry.text("rule")
        level = entry.text("level")
        reason = entry.text("reason")
        entry.done()
        if rule_id not in by_id:
            raise LocalRulesError(f"{where}: no rule {rule_id!r} to raise")
        if rule_id in raised:
            raise LocalRulesError(f"{where}: rule {rule_id!r} is raised twice")
        raised.add(rule_id)
        if level not in LEVELS:
            raise LocalRulesError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
        current = rules[by_id[rule_id]]
        if LEVEL_RANK[level] < LEVEL_RANK[current.level]:
            raise LocalRulesError(
                f"{where}: rule {rule_id!r} is {current.level}; lowering it to {level} is refused "
                "(a clinic may make a rule stricter, never looser)"
            )
        if level != current.level:
            note = f"Level raised from {current.level} to {level} by the clinic's local rules: {reason}"
            rules[by_id[rule_id]] = dataclasses.replace(
                current,
                level=level,
                raised_from=current.level,
                note=f"{note}. {current.note}".strip() if current.note else note,
            )
    digest = hashlib.sha256(
        json.dumps(local, sort_keys=True, default=str, ensure_ascii=True).encode()
    ).hexdigest()[:12]
    return _assemble(
        version=f"{pack.base_version}+local.{digest}",
        base_version=pack.base_version,
        effective_date=pack.effective_date,
        title=pack.title,
        rules=tuple(rules),
        condition_sets=pack.condition_sets,
        drug_classes=pack.drug_classes,
        routes=pack.routes,
        settings=pack.settings,
        sexes=pack.sexes,
        limits=pack.limits,
        ignored=pack.ignored_name_words,
        broad_code_max_level=pack.broad_code_max_level,
    )


# --- Reading TOML tables with checks ----------------------------------------------------------------


def _as_table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RulePackError(f"{where}: expected a table")
    return value


class _Table:
    """Reads the keys of one TOML table, checking types; `done()` refuses keys nobody read."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = _as_table(data, where)
        self.where = where
        self.read: set[str] = set()

    def _get(self, key: str) -> Any:
        self.read.add(key)
        return self.data.get(key)

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self._get(key)
        if value is None:
            if default is None:
                raise RulePackError(f"{self.where}: {key} is missing")
            return default
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise RulePackError(f"{self.where}: {key} must be a non-empty text")
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key)
        if value is None:
            if required:
                raise RulePackError(f"{self.where}: {key} is missing")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RulePackError(f"{self.where}: {key} must be a list of texts")
        if required and not value:
            raise RulePackError(f"{self.where}: {key} is empty")
        return tuple(value)

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise RulePackError(f"{self.where}: {key} must be true or false")
        return value

    def integer(self, key: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise RulePackError(f"{self.where}: {key} must be a whole number")
        return value

    def number(self, key: str) -> float:
        value = self._get(key)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise RulePackError(f"{self.where}: {key} must be a number")
        return value

    def table(self, key: str) -> Mapping[str, Any]:
        value = self._get(key)
        if value is None:
            raise RulePackError(f"{self.where}: [{key}] is missing")
        return _as_table(value, f"{self.where} [{key}]")

    def optional_table(self, key: str) -> Mapping[str, Any] | None:
        value = self._get(key)
        return None if value is None else _as_table(value, f"{self.where} {key}")

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise RulePackError(f"{self.where}: {key} must be an array of tables ([[{key}]])")
        return list(value)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise RulePackError(f"{self.where}: unknown key(s) {', '.join(unknown)}")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
