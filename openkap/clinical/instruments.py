"""Measurement instruments: their definitions as data, and scoring.

Every instrument is one TOML file under ``knowledge/instruments/`` (items, answer options, scoring
rule, severity bands, response and remission thresholds, flag rules, LOINC codes, licence, sources
and what has been verified). This module reads and validates those files and scores answers with the
rule the file names; it holds no clinical number of its own. See docs/instruments.md.

Answers are a sequence of integers, one per item in item order. The one item skipped by design, ASQ
item 5 (asked only when any of items 1-4 is positive), is left off the end of the list.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "knowledge" / "instruments"

SCHEMA_VERSION = 1
RATERS = ("patient", "clinician")
STRENGTHS = ("label", "consensus", "clinic policy")
SCORING_METHODS = ("sum", "domain-max-sum", "cluster", "single", "screen")


class AnswerError(ValueError):
    """Answers that cannot be scored. ``field`` names what is wrong ("instrument", "answers",
    "baseline", "current", "total"); ``item`` is the 1-based item number when one item is at fault."""

    def __init__(self, field: str, message: str, *, item: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.item = item


class InstrumentDataError(ValueError):
    """An instrument data file that is malformed: the message names the file and the key."""


@dataclass(frozen=True)
class Option:
    """One answer option. Unpacks as ``(value, label)`` so ``item.options`` can serve as choices."""

    value: int
    label: str
    loinc: str | None = None

    def __iter__(self) -> Iterator[int | str]:
        return iter((self.value, self.label))


@dataclass(frozen=True)
class Item:
    number: int
    id: str
    text: str
    options: tuple[Option, ...]
    loinc: str | None = None
    loinc_verified: bool = False
    note: str = ""

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(sorted(option.value for option in self.options))

    def label_for(self, value: int) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)


@dataclass(frozen=True)
class SeverityBand:
    name: str
    min: int
    max: int


@dataclass(frozen=True)
class Threshold:
    """A remission threshold: ``total < below`` or ``total <= at_most`` (exactly one is set)."""

    below: int | None
    at_most: int | None
    source: str
    strength: str
    verified: bool

    def met(self, total: int) -> bool:
        if self.below is not None:
            return total < self.below
        assert self.at_most is not None
        return total <= self.at_most

    def describe(self) -> str:
        return f"< {self.below}" if self.below is not None else f"≤ {self.at_most}"


@dataclass(frozen=True)
class FlagRule:
    """Raises ``flag`` when one item's answer is within [at_least, at_most], or when the result
    (severity) is one of ``severity_in``."""

    flag: str
    message: str
    source: str
    strength: str
    verified: bool
    item: int | None = None
    at_least: int | None = None
    at_most: int | None = None
    severity_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    items: tuple[int, ...]
    required: int


@dataclass(frozen=True)
class Screen:
    """The ASQ-style screen: positive when any screen item is positive, acute when the acuity item
    (asked only after a positive screen item) is positive."""

    screen_items: tuple[int, ...]
    positive_values: tuple[int, ...]
    acuity_item: int
    acuity_positive_values: tuple[int, ...]
    negative: str
    positive: str
    acute: str


@dataclass(frozen=True)
class Cutoff:
    value: int
    published_range: tuple[int, int]
    source: str
    strength: str
    verified: bool


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    abbreviation: str
    version: str
    order: int
    rater: str
    recall_period: str
    instructions: str
    items: tuple[Item, ...]
    scoring_method: str
    severity_bands: tuple[SeverityBand, ...]
    severity_note: str
    response_fraction: Fraction | None
    response_source: str
    response_verified: bool
    remission: Threshold | None
    flag_rules: tuple[FlagRule, ...]
    source: str
    licence: str
    licence_verified: bool
    texts_source: str
    texts_verified: bool
    panel_loinc: str | None = None
    panel_loinc_verified: bool = False
    total_loinc: str | None = None
    total_loinc_verified: bool = False
    domains: tuple[Domain, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    endorsed_at: int | None = None
    cluster_rule_source: str = ""
    cutoff: Cutoff | None = None
    screen: Screen | None = None
    notes: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    @property
    def total_range(self) -> tuple[int, int]:
        """The lowest and highest total the scoring rule can give."""
        if self.scoring_method == "screen":
            assert self.screen is not None
            return 0, len(self.screen.screen_items)
        if self.scoring_method == "domain-max-sum":
            by_number = {item.number: item for item in self.items}
            low = sum(min(min(by_number[n].values) for n in d.items) for d in self.domains)
            high = sum(max(max(by_number[n].values) for n in d.items) for d in self.domains)
            return low, high
        return (
            sum(min(item.values) for item in self.items),
            sum(max(item.values) for item in self.items),
        )

    @property
    def answer_counts(self) -> tuple[int, ...]:
        """How many answers a complete answer list may have."""
        if self.screen is not None:
            return (len(self.items) - 1, len(self.items))
        return (len(self.items),)

    def severity_for(self, total: int) -> str | None:
        for band in self.severity_bands:
            if band.min <= total <= band.max:
                return band.name
        return None


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    severity: str | None
    flags: tuple[str, ...]
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "severity": self.severity,
            "flags": list(self.flags),
            **self.details,
        }


# --- public API -------------------------------------------------------------------------------


def instrument_ids() -> tuple[str, ...]:
    return tuple(_registry())


def instrument(instrument_id: str) -> Instrument:
    registry = _registry()
    if not isinstance(instrument_id, str) or instrument_id not in registry:
        known = ", ".join(registry)
        raise AnswerError(
            "instrument", f"instrument: unknown instrument {instrument_id!r} (known: {known})"
        )
    return registry[instrument_id]


def score(instrument_id: str, answers: Sequence[int]) -> Score:
    inst = instrument(instrument_id)
    values = _checked_answers(inst, answers)
    details: dict[str, Any] = {}
    if inst.scoring_method in ("sum", "single"):
        total = sum(values)
    elif inst.scoring_method == "domain-max-sum":
        domain_scores = {d.id: max(values[n - 1] for n in d.items) for d in inst.domains}
        total = sum(domain_scores.values())
        details["domains"] = domain_scores
    elif inst.scoring_method == "cluster":
        total = sum(values)
        details.update(_cluster_details(inst, values, total))
    else:  # screen
        total, result = _screen(inst, values)
        details["result"] = result
    # A screen's severity is its result (the ASQ disposition); otherwise the band of the total.
    severity = details["result"] if inst.screen is not None else inst.severity_for(total)
    if inst.scoring_method == "single":
        details["label"] = inst.items[0].label_for(values[0])
    flags = _flags(inst, values, severity)
    return Score(instrument=inst.id, total=total, severity=severity, flags=flags, details=details)


def is_response(instrument_id: str, *, baseline: int, current: int) -> bool:
    """True when ``current`` has fallen by at least the instrument's response fraction (≥ 50%) from
    ``baseline``. A baseline of 0 cannot fall, so it is never a response."""
    inst = instrument(instrument_id)
    if inst.response_fraction is None:
        raise AnswerError(
            "instrument", f"instrument: {inst.abbreviation} has no response threshold"
        )
    _check_total(inst, "baseline", baseline)
    _check_total(inst, "current", current)
    if baseline == 0:
        return False
    return Fraction(current) <= Fraction(baseline) * (1 - inst.response_fraction)


def is_remission(instrument_id: str, *, total: int) -> bool:
    inst = instrument(instrument_id)
    if inst.remission is None:
        raise AnswerError(
            "instrument", f"instrument: {inst.abbreviation} has no remission threshold"
        )
    _check_total(inst, "total", total)
    return inst.remission.met(total)


# --- scoring ----------------------------------------------------------------------------------


def _checked_answers(inst: Instrument, answers: Sequence[int]) -> list[int]:
    name = inst.abbreviation
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise AnswerError("answers", f"answers: {name} answers must be a list of integers")
    counts = inst.answer_counts
    if len(answers) not in counts:
        if inst.screen is not None:
            wanted = (
                f"{counts[0]} or {counts[1]} answers (item {inst.screen.acuity_item} only when "
                f"any of items {_item_list(inst.screen.screen_items)} is {_positive_words(inst)})"
            )
        else:
            wanted = f"{counts[0]} answer" + ("" if counts[0] == 1 else "s")
        raise AnswerError("answers", f"answers: {name} takes {wanted}, got {len(answers)}")
    values: list[int] = []
    for number, answer in enumerate(answers, start=1):
        item = inst.items[number - 1]
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise AnswerError(
                "answers",
                f"answers: {name} item {number} is not an integer: {answer!r}",
                item=number,
            )
        if answer not in item.values:
            raise AnswerError(
                "answers",
                f"answers: {name} item {number} must be {_allowed(item.values)}, got {answer}",
                item=number,
            )
        values.append(answer)
    if inst.screen is not None:
        screen = inst.screen
        positive = any(values[n - 1] in screen.positive_values for n in screen.screen_items)
        if positive and len(values) < screen.acuity_item:
            raise AnswerError(
                "answers",
                f"answers: {name} item {screen.acuity_item} must be answered when any of items "
                f"{_item_list(screen.screen_items)} is {_positive_words(inst)}; "
                f"got {len(values)} answers",
                item=screen.acuity_item,
            )
    return values


def _cluster_details(inst: Instrument, values: list[int], total: int) -> dict[str, Any]:
    assert inst.endorsed_at is not None
    clusters = {c.id: sum(values[n - 1] for n in c.items) for c in inst.clusters}
    endorsed = {
        c.id: sum(1 for n in c.items if values[n - 1] >= inst.endorsed_at) for c in inst.clusters
    }
    details: dict[str, Any] = {
        "clusters": clusters,
        "clusters_endorsed": endorsed,
        "dsm5_rule_met": all(endorsed[c.id] >= c.required for c in inst.clusters),
    }
    if inst.cutoff is not None:
        details["provisional_cutoff"] = inst.cutoff.value
        details["provisional_cutoff_met"] = total >= inst.cutoff.value
    return details


def _screen(inst: Instrument, values: list[int]) -> tuple[int, str]:
    screen = inst.screen
    assert screen is not None
    total = sum(1 for n in screen.screen_items if values[n - 1] in screen.positive_values)
    acuity_answered = len(values) >= screen.acuity_item
    acute = acuity_answered and values[screen.acuity_item - 1] in screen.acuity_positive_values
    # A "yes" to the acuity question is never discarded, even when it was asked after four "no"s.
    if acute:
        return total, screen.acute
    if total > 0:
        return total, screen.positive
    return total, screen.negative


def _flags(inst: Instrument, values: list[int], severity: str | None) -> tuple[str, ...]:
    raised: list[str] = []
    for rule in inst.flag_rules:
        if rule.item is not None:
            if rule.item > len(values):
                continue  # the item was skipped by design
            value = values[rule.item - 1]
            hit = (rule.at_least is None or value >= rule.at_least) and (
                rule.at_most is None or value <= rule.at_most
            )
        else:
            hit = severity in rule.severity_in
        if hit and rule.flag not in raised:
            raised.append(rule.flag)
    return tuple(raised)


def _check_total(inst: Instrument, name: str, value: int) -> None:
    low, high = inst.total_range
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(
            name, f"{name}: {inst.abbreviation} total must be an integer, got {value!r}"
        )
    if not low <= value <= high:
        raise AnswerError(
            name, f"{name}: {inst.abbreviation} total must be {low}-{high}, got {value}"
        )


def _allowed(values: tuple[int, ...]) -> str:
    if values == tuple(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return "one of " + ", ".join(str(v) for v in values)


def _positive_words(inst: Instrument) -> str:
    """The labels of the answers that make a screen item positive: "yes or declined to answer"."""
    assert inst.screen is not None
    item = inst.items[inst.screen.screen_items[0] - 1]
    return " or ".join(item.label_for(v).lower() for v in inst.screen.positive_values)


def _item_list(numbers: tuple[int, ...]) -> str:
    if numbers == tuple(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


# --- loading and validating the data files ----------------------------------------------------


@functools.cache
def _registry() -> dict[str, Instrument]:
    return load_instruments(INSTRUMENTS_DIR)


def load_instruments(directory: Path) -> dict[str, Instrument]:
    """Every ``*.toml`` in ``directory``, validated, ordered by their ``order`` key."""
    loaded = [load_instrument(path) for path in sorted(directory.glob("*.toml"))]
    if not loaded:
        raise InstrumentDataError(f"{directory}: no instrument files (*.toml)")
    ids: dict[str, str] = {}
    for inst in loaded:
        if inst.id in ids:
            raise InstrumentDataError(f"{inst.path}: id {inst.id!r} is also used by {ids[inst.id]}")
        ids[inst.id] = inst.path
    return {inst.id: inst for inst in sorted(loaded, key=lambda i: (i.order, i.id))}


def load_instrument(path: Path) -> Instrument:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InstrumentDataError(f"{path.name}: cannot read instrument file: {error}") from None
    reader = _Reader(path.name, data)
    inst = _build(reader, str(path))
    if inst.id != path.stem:
        raise InstrumentDataError(
            f"{path.name}: id {inst.id!r} must match the file name {path.stem!r}"
        )
    return inst


class _Reader:
    """Typed access to one TOML table, with errors that name the file and the key path."""

    def __init__(self, file: str, table: Mapping[str, Any], where: str = "") -> None:
        self.file = file
        self.table = table
        self.where = where

    def error(self, key: str, message: str) -> InstrumentDataError:
        return InstrumentDataError(f"{self.file}: {self.where}{key}: {message}")

    def has(self, key: str) -> bool:
        return key in self.table

    def _get(self, key: str, kind: type | tuple[type, ...], kind_name: str, default: Any) -> Any:
        if key not in self.table:
            if default is _REQUIRED:
                raise self.error(key, "missing")
            return default
        value = self.table[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.error(key, f"must be {kind_name}, got {value!r}")
        if not isinstance(value, kind):
            raise self.error(key, f"must be {kind_name}, got {value!r}")
        return value

    def text(self, key: str, default: Any = None) -> Any:
        value = self._get(key, str, "a string", _REQUIRED if default is None else default)
        if default is None and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def opt_str(self, key: str) -> str | None:
        value: str | None = self._get(key, str, "a string", None)
        return value

    def integer(self, key: str, default: Any = None) -> Any:
        return self._get(key, int, "an integer", _REQUIRED if default is None else default)

    def opt_int(self, key: str) -> int | None:
        value: int | None = self._get(key, int, "an integer", None)
        return value

    def flag(self, key: str) -> bool:
        value: bool = self._get(key, bool, "true or false", _REQUIRED)
        return value

    def ints(self, key: str) -> tuple[int, ...]:
        values = self._get(key, list, "a list of integers", _REQUIRED)
        if not values or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise self.error(key, "must be a non-empty list of integers")
        return tuple(values)

    def strs(self, key: str) -> tuple[str, ...]:
        values = self._get(key, list, "a list of strings", [])
        if any(not isinstance(v, str) for v in values):
            raise self.error(key, "must be a list of strings")
        return tuple(values)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value: str = self.text(key)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def sub(self, key: str, required: bool = True) -> _Reader | None:
        value = self._get(key, dict, "a table", _REQUIRED if required else None)
        if value is None:
            return None
        return _Reader(self.file, value, f"{self.where}{key}.")

    def subs(self, key: str, required: bool = True) -> list[_Reader]:
        values = self._get(key, list, "a list of tables", _REQUIRED if required else [])
        if required and not values:
            raise self.error(key, "must not be empty")
        readers = []
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise self.error(f"{key}[{index}]", "must be a table")
            readers.append(_Reader(self.file, value, f"{self.where}{key}[{index}]."))
        return readers

    def code(self, key: str) -> tuple[str | None, bool]:
        table = self.sub(key, required=False)
        if table is None:
            return None, False
        return table.text("code"), table.flag("verified")


_REQUIRED = object()


def _build(r: _Reader, path: str) -> Instrument:
    schema = r.integer("schema")
    if schema != SCHEMA_VERSION:
        raise r.error(
            "schema", f"this OpenKAP reads schema {SCHEMA_VERSION}, the file has {schema}"
        )
    abbreviation = r.text("abbreviation")
    shared_options = _options(r, "options", required=False)
    items = _items(r, shared_options)
    numbers = {item.number for item in items}

    scoring = r.sub("scoring")
    assert scoring is not None
    method = scoring.choice("method", SCORING_METHODS)
    domains = _domains(scoring, numbers) if method == "domain-max-sum" else ()
    clusters: tuple[Cluster, ...] = ()
    endorsed_at = None
    cluster_source = ""
    if method == "cluster":
        clusters = _clusters(scoring, numbers)
        endorsed_at = scoring.integer("endorsed_at")
        cluster_source = scoring.text("source")
    screen = _screen_rule(scoring, items) if method == "screen" else None
    if method == "single" and len(items) != 1:
        raise r.error("items", "the 'single' scoring method takes exactly one item")

    severity = r.sub("severity")
    assert severity is not None
    bands = tuple(
        SeverityBand(name=b.text("name"), min=b.integer("min"), max=b.integer("max"))
        for b in severity.subs("bands", required=False)
    )
    severity_note = severity.text("note", default="")
    if not bands and not severity_note and method != "screen":
        raise severity.error("note", "an instrument without severity bands must say why")

    response = r.sub("response", required=False)
    fraction = None
    response_source = ""
    response_verified = False
    if response is not None:
        reduction = response._get("reduction", (int, float), "a number", _REQUIRED)
        fraction = Fraction(str(reduction))
        if not 0 < fraction <= 1:
            raise response.error("reduction", f"must be above 0 and at most 1, got {reduction}")
        response_source = response.text("source")
        response_verified = response.flag("verified")

    remission = _remission(r)
    flag_rules = _flag_rules(r, numbers)
    panel_loinc, panel_verified = r.code("panel_loinc")
    total_loinc, total_verified = r.code("total_loinc")

    cutoff = None
    cutoff_table = r.sub("cutoff", required=False)
    if cutoff_table is not None:
        low_high = cutoff_table.ints("published_range")
        if len(low_high) != 2 or low_high[0] > low_high[1]:
            raise cutoff_table.error("published_range", "must be [low, high]")
        cutoff = Cutoff(
            value=cutoff_table.integer("value"),
            published_range=(low_high[0], low_high[1]),
            source=cutoff_table.text("source"),
            strength=cutoff_table.choice("strength", STRENGTHS),
            verified=cutoff_table.flag("verified"),
        )

    inst = Instrument(
        id=r.text("id"),
        name=r.text("name"),
        abbreviation=abbreviation,
        version=r.text("version"),
        order=r.integer("order"),
        rater=r.choice("rater", RATERS),
        recall_period=r.text("recall_period"),
        instructions=r.text("instructions"),
        items=items,
        scoring_method=method,
        severity_bands=bands,
        severity_note=severity_note,
        response_fraction=fraction,
        response_source=response_source,
        response_verified=response_verified,
        remission=remission,
        flag_rules=flag_rules,
        source=r.text("source"),
        licence=r.text("licence"),
        licence_verified=r.flag("licence_verified"),
        texts_source=r.text("texts_source"),
        texts_verified=r.flag("texts_verified"),
        panel_loinc=panel_loinc,
        panel_loinc_verified=panel_verified,
        total_loinc=total_loinc,
        total_loinc_verified=total_verified,
        domains=domains,
        clusters=clusters,
        endorsed_at=endorsed_at,
        cluster_rule_source=cluster_source,
        cutoff=cutoff,
        screen=screen,
        notes=r.strs("notes"),
        path=path,
    )
    _check_consistency(r, inst)
    return inst


def _options(r: _Reader, key: str, required: bool) -> tuple[Option, ...]:
    options = tuple(
        Option(value=o.integer("value"), label=o.text("label"), loinc=o.opt_str("loinc"))
        for o in r.subs(key, required=required)
    )
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        raise r.error(key, f"option values must be unique, got {values}")
    return options


def _items(r: _Reader, shared: tuple[Option, ...]) -> tuple[Item, ...]:
    items = []
    ids = set()
    for number, item in enumerate(r.subs("items"), start=1):
        options = _options(item, "options", required=False) if item.has("options") else shared
        if not options:
            raise item.error("options", "missing (and the file has no shared [[options]])")
        loinc, loinc_verified = item.code("loinc")
        item_id = item.text("id")
        if item_id in ids:
            raise item.error("id", f"{item_id!r} is used by another item")
        ids.add(item_id)
        items.append(
            Item(
                number=number,
                id=item_id,
                text=item.text("text"),
                options=options,
                loinc=loinc,
                loinc_verified=loinc_verified,
                note=item.text("note", default=""),
            )
        )
    return tuple(items)


def _item_numbers(r: _Reader, key: str, numbers: set[int]) -> tuple[int, ...]:
    items = r.ints(key)
    unknown = [n for n in items if n not in numbers]
    if unknown:
        raise r.error(key, f"no such item {unknown[0]} (items are 1-{max(numbers)})")
    return items


def _domains(scoring: _Reader, numbers: set[int]) -> tuple[Domain, ...]:
    domains = tuple(
        Domain(id=d.text("id"), name=d.text("name"), items=_item_numbers(d, "items", numbers))
        for d in scoring.subs("domains")
    )
    covered = sorted(n for d in domains for n in d.items)
    if covered != sorted(numbers):
        raise scoring.error("domains", "every item must belong to exactly one domain")
    return domains


def _clusters(scoring: _Reader, numbers: set[int]) -> tuple[Cluster, ...]:
    clusters = tuple(
        Cluster(
            id=c.text("id"),
            name=c.text("name"),
            items=_item_numbers(c, "items", numbers),
            required=c.integer("required"),
        )
        for c in scoring.subs("clusters")
    )
    covered = sorted(n for c in clusters for n in c.items)
    if covered != sorted(numbers):
        raise scoring.error("clusters", "every item must belong to exactly one cluster")
    for index, c in enumerate(clusters):
        if not 0 <= c.required <= len(c.items):
            raise scoring.error(f"clusters[{index}].required", f"must be 0-{len(c.items)}")
    return clusters


def _screen_rule(scoring: _Reader, items: tuple[Item, ...]) -> Screen:
    numbers = {item.number for item in items}
    acuity = scoring.integer("acuity_item")
    if acuity != len(items):
        raise scoring.error("acuity_item", "must be the last item (it is the one left off)")
    screen = Screen(
        screen_items=_item_numbers(scoring, "screen_items", numbers),
        positive_values=scoring.ints("positive_values"),
        acuity_item=acuity,
        acuity_positive_values=scoring.ints("acuity_positive_values"),
        negative=scoring.text("negative"),
        positive=scoring.text("positive"),
        acute=scoring.text("acute"),
    )
    if acuity in screen.screen_items:
        raise scoring.error("screen_items", "must not include the acuity item")
    return screen


def _remission(r: _Reader) -> Threshold | None:
    table = r.sub("remission", required=False)
    if table is None:
        return None
    below, at_most = table.opt_int("below"), table.opt_int("at_most")
    if (below is None) == (at_most is None):
        raise table.error("below", "give exactly one of 'below' and 'at_most'")
    return Threshold(
        below=below,
        at_most=at_most,
        source=table.text("source"),
        strength=table.choice("strength", STRENGTHS),
        verified=table.flag("verified"),
    )


def _flag_rules(r: _Reader, numbers: set[int]) -> tuple[FlagRule, ...]:
    rules = []
    for f in r.subs("flags", required=False):
        item = f.opt_int("item")
        severity_in = f.strs("severity_in")
        if (item is None) == (not severity_in):
            raise f.error("item", "give exactly one of 'item' and 'severity_in'")
        if item is not None and item not in numbers:
            raise f.error("item", f"no such item {item}")
        at_least, at_most = f.opt_int("at_least"), f.opt_int("at_most")
        if item is not None and at_least is None and at_most is None:
            raise f.error("at_least", "an item rule needs 'at_least' or 'at_most'")
        rules.append(
            FlagRule(
                flag=f.text("flag"),
                message=f.text("message"),
                source=f.text("source"),
                strength=f.choice("strength", STRENGTHS),
                verified=f.flag("verified"),
                item=item,
                at_least=at_least,
                at_most=at_most,
                severity_in=severity_in,
            )
        )
    return tuple(rules)


def _check_consistency(r: _Reader, inst: Instrument) -> None:
    low, high = inst.total_range
    declared = r.ints("total_range")
    if declared != (low, high):
        raise r.error(
            "total_range",
            f"the items and scoring rule give {low}-{high}, the file says "
            f"{'-'.join(str(v) for v in declared)}",
        )
    if inst.severity_bands:
        bands = inst.severity_bands
        if bands[0].min != low or bands[-1].max != high:
            raise r.error("severity.bands", f"must cover the whole total range {low}-{high}")
        for before, after in itertools.pairwise(bands):
            if before.min > before.max or after.min != before.max + 1:
                raise r.error(
                    "severity.bands",
                    f"bands must be contiguous and ordered ({before.name} {before.min}-{before.max}, "
                    f"then {after.name} {after.min}-{after.max})",
                )
        if bands[-1].min > bands[-1].max:
            raise r.error("severity.bands", f"band {bands[-1].name} has min above max")
    if inst.remission is not None:
        threshold = (
            inst.remission.below if inst.remission.below is not None else inst.remission.at_most
        )
        assert threshold is not None
        if not low <= threshold <= high:
            raise r.error(
                "remission", f"threshold {threshold} is outside the total range {low}-{high}"
            )
    if inst.cutoff is not None and not low <= inst.cutoff.value <= high:
        raise r.error(
            "cutoff.value", f"{inst.cutoff.value} is outside the total range {low}-{high}"
        )
    results = (
        {inst.screen.negative, inst.screen.positive, inst.screen.acute}
        if inst.screen is not None
        else {band.name for band in inst.severity_bands}
    )
    for index, rule in enumerate(inst.flag_rules):
        unknown = [name for name in rule.severity_in if name not in results]
        if unknown:
            raise r.error(
                f"flags[{index}].severity_in", f"no such severity or result {unknown[0]!r}"
            )
        if rule.item is not None:
            values = inst.items[rule.item - 1].values
            bounds = [v for v in (rule.at_least, rule.at_most) if v is not None]
            if any(not values[0] <= v <= values[-1] for v in bounds):
                raise r.error(
                    f"flags[{index}]",
                    f"bounds must lie within item {rule.item}'s values {_allowed(values)}",
                )
