"""The esketamine REMS Patient Monitoring Form, as data: which fields it has, which must be filled
before sign-off, when it is due, and how the session chart answers some of its questions.

Everything clinical comes from knowledge/rems/patient-monitoring-form.toml (clinical.md §1.4, §1.5):
the fields with their source and verification, the 7-day submission window, the 2-hour minimum, the
fax and REMS telephone numbers, the rule-pack classes behind the medication questions, the chart
entries behind the adverse-event questions and the window around "40 minutes after".

Pure Python, no Django. A form's values are a mapping from field id to value: str (text), an ISO
date string (date), bool (yes/no), int (integer), "female"/"male" (sex). None, "" or an absent key
is "not filled".
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

FORM_FILE = Path(__file__).resolve().parent / "knowledge" / "rems" / "patient-monitoring-form.toml"

KINDS: tuple[str, ...] = ("text", "date", "yes_no", "integer", "sex")
SECTIONS: tuple[str, ...] = (
    "patient",
    "medications",
    "hcp",
    "setting",
    "session",
    "vitals",
    "adverse_events",
)
SECTION_TITLES: Mapping[str, str] = {
    "patient": "Patient",
    "medications": "Concomitant medications that may cause sedation or blood-pressure changes",
    "hcp": "Healthcare provider who monitored the patient",
    "setting": "Healthcare setting",
    "session": "Treatment session",
    "vitals": "Vital signs",
    "adverse_events": "Adverse events",
}
SEX_CHOICES: tuple[tuple[str, str], ...] = (("female", "Female"), ("male", "Male"))
REQUIRED_BY: tuple[str, ...] = ("form", "clinic_policy")
_INTEGER_RANGE = (0, 1440)


class RemsSpecError(ValueError):
    """The form's knowledge file is not valid."""


@dataclass(frozen=True)
class Sourced:
    source: str
    strength: str
    verified: bool
    note: str


@dataclass(frozen=True)
class RemsField:
    id: str
    section: str
    label: str
    kind: str
    required: bool
    required_by: str
    required_when_any_yes: tuple[str, ...]
    filled_from: str
    sourced: Sourced

    @property
    def typed(self) -> bool:
        """Typed by a person: the chart has nothing for it."""
        return not self.filled_from


@dataclass(frozen=True)
class AdverseEventRule:
    field_id: str
    side_effect_terms: frozenset[str]
    rating_kind: str
    rating_at_most: int | None
    rating_at_least: int | None

    def answered_yes(self, terms: Iterable[str], ratings: Iterable[tuple[str, int]]) -> bool:
        if self.side_effect_terms & set(terms):
            return True
        for kind, score in ratings:
            if kind != self.rating_kind:
                continue
            if self.rating_at_most is not None and score <= self.rating_at_most:
                return True
            if self.rating_at_least is not None and score >= self.rating_at_least:
                return True
        return False


@dataclass(frozen=True)
class RemsFormSpec:
    version: str
    title: str
    form_edition: str
    sourced: Sourced
    requirement_text: str
    requirement: Sourced
    window_days: int
    methods: tuple[str, ...]
    fax: str
    submission: Sourced
    rems_phone: str
    rems_contact: Sourced
    minimum_minutes: int
    monitoring: Sourced
    bp_at_minutes: int
    bp_window_minutes: int
    blood_pressure: Sourced
    medication_classes: Mapping[str, tuple[str, ...]]
    medications: Sourced
    adverse_event_rules: tuple[AdverseEventRule, ...]
    adverse_events: Sourced
    fields: tuple[RemsField, ...]

    def field(self, field_id: str) -> RemsField:
        for item in self.fields:
            if item.id == field_id:
                return item
        raise KeyError(field_id)

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.fields)

    def section_fields(self, section: str) -> tuple[RemsField, ...]:
        return tuple(item for item in self.fields if item.section == section)

    @property
    def unverified_fields(self) -> tuple[RemsField, ...]:
        return tuple(item for item in self.fields if not item.sourced.verified)


# --- Reading and checking the file ------------------------------------------------------------------


def _get(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: '{key}' is missing")
    value = table[key]
    if kind is int and isinstance(value, bool):
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: '{key}' must be a whole number")
    if not isinstance(value, kind):
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: '{key}' must be {kind.__name__}")
    return value


def _sourced(table: Mapping[str, Any], where: str, default: Sourced | None = None) -> Sourced:
    """A table's source, strength, verification and note; a field without its own source takes the
    form's source and strength (its verification and note are its own, verified by default)."""
    if default is not None:
        source = table.get("source", default.source)
        strength = table.get("strength", default.strength)
        verified = table.get("verified", default.verified)
        if not isinstance(source, str) or not isinstance(verified, bool):
            raise RemsSpecError(f"{FORM_FILE.name}: {where}: 'source' / 'verified' not valid")
        return Sourced(source, str(strength), verified, str(table.get("note", "")))
    return Sourced(
        source=_get(table, "source", str, where),
        strength=_get(table, "strength", str, where),
        verified=_get(table, "verified", bool, where),
        note=str(table.get("note", "")),
    )


def _positive(table: Mapping[str, Any], key: str, where: str) -> int:
    value: int = _get(table, key, int, where)
    if value <= 0:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: '{key}' must be above 0")
    return value


def _field(table: Mapping[str, Any], index: int, form: Sourced) -> RemsField:
    where = f"field {index + 1}"
    field_id: str = _get(table, "id", str, where)
    where = f"field '{field_id}'"
    allowed = {
        "id",
        "section",
        "label",
        "kind",
        "required",
        "required_by",
        "required_when_any_yes",
        "filled_from",
        "source",
        "strength",
        "verified",
        "note",
    }
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: unknown key(s) {unknown}")
    section: str = _get(table, "section", str, where)
    if section not in SECTIONS:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: unknown section '{section}'")
    kind: str = _get(table, "kind", str, where)
    if kind not in KINDS:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: unknown kind '{kind}'")
    required: bool = _get(table, "required", bool, where)
    required_by = str(table.get("required_by", ""))
    if required and required_by not in REQUIRED_BY:
        raise RemsSpecError(
            f"{FORM_FILE.name}: {where}: a required field says who requires it "
            f"(required_by = one of {list(REQUIRED_BY)})"
        )
    when = table.get("required_when_any_yes", [])
    if not isinstance(when, list) or not all(isinstance(x, str) for x in when):
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: 'required_when_any_yes' is a list of ids")
    return RemsField(
        id=field_id,
        section=section,
        label=_get(table, "label", str, where),
        kind=kind,
        required=required,
        required_by=required_by if required else "",
        required_when_any_yes=tuple(when),
        filled_from=str(table.get("filled_from", "")),
        sourced=_sourced(table, where, default=form),
    )


def _adverse_rule(field_id: str, table: Mapping[str, Any]) -> AdverseEventRule:
    where = f"adverse_events.rules.{field_id}"
    terms = table.get("side_effect_terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: 'side_effect_terms' is a list of terms")
    at_most = table.get("rating_at_most")
    at_least = table.get("rating_at_least")
    rating_kind = str(table.get("rating_kind", ""))
    if (at_most is not None or at_least is not None) and not rating_kind:
        raise RemsSpecError(f"{FORM_FILE.name}: {where}: a rating limit needs 'rating_kind'")
    for value in (at_most, at_least):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise RemsSpecError(f"{FORM_FILE.name}: {where}: rating limits are whole numbers")
    return AdverseEventRule(
        field_id=field_id,
        side_effect_terms=frozenset(terms),
        rating_kind=rating_kind,
        rating_at_most=at_most,
        rating_at_least=at_least,
    )


def parse_form_spec(data: Mapping[str, Any]) -> RemsFormSpec:
    """Check the parsed TOML and build the spec; refuse it naming the key when anything is wrong."""
    form = _sourced(data, "form")
    fields = tuple(
        _field(table, index, form)
        for index, table in enumerate(_get(data, "field", list, "the file"))
    )
    ids = [item.id for item in fields]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RemsSpecError(f"{FORM_FILE.name}: field id(s) {duplicates} appear more than once")
    by_id = {item.id: item for item in fields}
    for item in fields:
        for other in item.required_when_any_yes:
            if other not in by_id or by_id[other].kind != "yes_no":
                raise RemsSpecError(
                    f"{FORM_FILE.name}: field '{item.id}': required_when_any_yes names "
                    f"'{other}', which is not a yes/no field"
                )
    requirement = _get(data, "requirement", dict, "the file")
    submission = _get(data, "submission", dict, "the file")
    methods = _get(submission, "methods", list, "submission")
    if not methods or not all(m in ("online", "fax") for m in methods):
        raise RemsSpecError(f"{FORM_FILE.name}: submission: 'methods' are online and/or fax")
    contact = _get(data, "rems_contact", dict, "the file")
    monitoring = _get(data, "monitoring", dict, "the file")
    pressure = _get(data, "blood_pressure", dict, "the file")
    medications = _get(data, "medications", dict, "the file")
    classes = _get(medications, "classes", dict, "medications")
    for field_id, names in classes.items():
        if field_id not in by_id or by_id[field_id].section != "medications":
            raise RemsSpecError(
                f"{FORM_FILE.name}: medications.classes: '{field_id}' is not a medication field"
            )
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RemsSpecError(
                f"{FORM_FILE.name}: medications.classes.{field_id}: a list of class ids"
            )
    adverse = _get(data, "adverse_events", dict, "the file")
    rules = _get(adverse, "rules", dict, "adverse_events")
    for field_id in rules:
        if field_id not in by_id or by_id[field_id].kind != "yes_no":
            raise RemsSpecError(
                f"{FORM_FILE.name}: adverse_events.rules: '{field_id}' is not a yes/no field"
            )
    return RemsFormSpec(
        version=_get(data, "version", str, "the file"),
        title=_get(data, "title", str, "the file"),
        form_edition=_get(data, "form_edition", str, "the file"),
        sourced=form,
        requirement_text=_get(requirement, "text", str, "requirement"),
        requirement=_sourced(requirement, "requirement"),
        window_days=_positive(submission, "window_days", "submission"),
        methods=tuple(methods),
        fax=_get(submission, "fax", str, "submission"),
        submission=_sourced(submission, "submission"),
        rems_phone=_get(contact, "phone", str, "rems_contact"),
        rems_contact=_sourced(contact, "rems_contact"),
        minimum_minutes=_positive(monitoring, "minimum_minutes", "monitoring"),
        monitoring=_sourced(monitoring, "monitoring"),
        bp_at_minutes=_positive(pressure, "at_minutes", "blood_pressure"),
        bp_window_minutes=_positive(pressure, "window_minutes", "blood_pressure"),
        blood_pressure=_sourced(pressure, "blood_pressure"),
        medication_classes={k: tuple(v) for k, v in classes.items()},
        medications=_sourced(medications, "medications"),
        adverse_event_rules=tuple(_adverse_rule(k, v) for k, v in rules.items()),
        adverse_events=_sourced(adverse, "adverse_events"),
        fields=fields,
    )


@cache
def rems_form_spec() -> RemsFormSpec:
    """The bundled form spec, read once."""
    with FORM_FILE.open("rb") as handle:
        return parse_form_spec(tomllib.load(handle))


# --- Using it ----------------------------------------------------------------------------------------


def _filled(value: object) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def rems_missing(values: Mapping[str, object]) -> tuple[str, ...]:
    """The ids of the required fields that are not filled, in the order of the form. A field
    required "when any yes" counts only when one of the fields it names is answered yes."""
    spec = rems_form_spec()
    missing: list[str] = []
    for item in spec.fields:
        if not item.required:
            continue
        if item.required_when_any_yes and not any(
            values.get(other) is True for other in item.required_when_any_yes
        ):
            continue
        if not _filled(values.get(item.id)):
            missing.append(item.id)
    return tuple(missing)


def rems_due_date(treatment_date: date) -> date:
    """The last day the form may be submitted: the treatment date plus the submission window."""
    return treatment_date + timedelta(days=rems_form_spec().window_days)


def rems_warnings(values: Mapping[str, object]) -> tuple[str, ...]:
    """What the form records that a reader should notice (it is recorded as it was, not refused)."""
    spec = rems_form_spec()
    warnings: list[str] = []
    total = values.get("total_minutes")
    if isinstance(total, int) and not isinstance(total, bool) and total < spec.minimum_minutes:
        warnings.append(
            f"Total monitoring time {total} minutes is below the {spec.minimum_minutes}-minute "
            f"minimum ({spec.monitoring.source})."
        )
    ready = values.get("ready_to_leave_minutes")
    if (
        isinstance(ready, int)
        and isinstance(total, int)
        and not isinstance(ready, bool)
        and ready > total
    ):
        warnings.append(
            f"'Ready to leave' ({ready} minutes) is later than the total time monitored "
            f"({total} minutes)."
        )
    if values.get("first_treatment") is True and values.get("patient_enrolled") is False:
        warnings.append(
            "First treatment and the patient is not enrolled in the REMS: the Patient Enrollment "
            "Form must be on file before the first dose."
        )
    return tuple(warnings)


def rems_medication_answers(
    medication_classes: Sequence[frozenset[str] | None],
) -> dict[str, bool | None]:
    """Answer the medication questions from the classes of each current medication (None: a
    medication the rule pack does not know). Yes when a medication is in a class of the question;
    no only when no medication is unknown; otherwise None (a person answers)."""
    spec = rems_form_spec()
    unknown = any(classes is None for classes in medication_classes)
    known: set[str] = set().union(*(c for c in medication_classes if c is not None))
    answers: dict[str, bool | None] = {}
    for field_id, class_ids in spec.medication_classes.items():
        if known & set(class_ids):
            answers[field_id] = True
        else:
            answers[field_id] = None if unknown else False
    return answers


def rems_adverse_event_answers(
    side_effect_terms: Iterable[str], ratings: Iterable[tuple[str, int]]
) -> dict[str, bool]:
    """Answer the adverse-event questions from the session's side-effect terms and its ratings
    ((kind, score) pairs, e.g. ("sedation", 4) for a MOAA/S of 4)."""
    terms = list(side_effect_terms)
    rated = list(ratings)
    return {
        rule.field_id: rule.answered_yes(terms, rated)
        for rule in rems_form_spec().adverse_event_rules
    }


def rems_bp_at_40(
    readings: Sequence[tuple[float, int, int]],
) -> tuple[int, int] | None:
    """The (systolic, diastolic) of the reading nearest the "at 40 minutes" mark, from readings
    given as (minutes after the first device, systolic, diastolic); None when no reading falls
    within the window. On a tie the earlier reading wins."""
    spec = rems_form_spec()
    best: tuple[float, float, int, int] | None = None
    for minutes, systolic, diastolic in readings:
        distance = abs(minutes - spec.bp_at_minutes)
        if distance > spec.bp_window_minutes:
            continue
        candidate = (distance, minutes, systolic, diastolic)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return None if best is None else (best[2], best[3])


def rems_parse(field_id: str, text: str) -> object:
    """A typed answer as the form stores it; ValueError with a message for a bad one. "" is None
    (not filled)."""
    item = rems_form_spec().field(field_id)
    raw = text.strip()
    if not raw:
        return None
    if item.kind == "text":
        return raw
    if item.kind == "yes_no":
        if raw.lower() in ("yes", "y", "true"):
            return True
        if raw.lower() in ("no", "n", "false"):
            return False
        raise ValueError("Answer yes or no.")
    if item.kind == "sex":
        if raw not in dict(SEX_CHOICES):
            raise ValueError("Choose female or male, as the form asks.")
        return raw
    if item.kind == "date":
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError("Enter a date as YYYY-MM-DD.") from None
    try:
        number = int(raw)
    except ValueError:
        raise ValueError("Enter a whole number.") from None
    low, high = _INTEGER_RANGE
    if not low <= number <= high:
        raise ValueError(f"Enter a whole number from {low} to {high}.")
    return number
