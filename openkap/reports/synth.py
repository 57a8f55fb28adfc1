"""`openkap synth`: a synthetic clinic's history at scale, for the reports and their benchmark.

Synthetic people only (made-up names, random birth dates), deterministic by seed: the same seed and
size write the same rows. Each patient has a signed screening, one treatment plan on a protocol of
the knowledge (route, setting and dose from the protocol's data), dosing appointments and sessions on
the protocol's schedule plus some maintenance doses, two or three sets of vital signs per session,
adverse events linked to the session and to a side-effect chart entry (per-route rates near the
published ones, knowledge/reports/published.toml), and questionnaires with plausible trajectories
(baseline, improvement, chronic or delayed courses, some relapse at follow-up), scored by the
clinical core.

Speed: rows are written straight to the tables (PostgreSQL COPY through psycopg, elsewhere
executemany in large batches), bypassing the services. The rows respect the models' constraints
(signed rows name their signer, hard stops never dose, in-session events link their session), but no
audit row is written per record: these are not clinical acts on real people, and a million audit
rows would make the chain meaningless for the run. The run itself is audited once (what, how many,
which seed). The controlled-substance ledger is not written: synthetic doses draw on no real stock.
"""

from __future__ import annotations

import json
import operator
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection, models, transaction

from openkap.accounts.models import Clinic, Membership, Organisation, Role, User
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import instruments, protocols, session
from openkap.clinical.reports import published
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.safety.models import AdverseEvent
from openkap.screening import engine
from openkap.screening.models import QuestionnaireResponse, Screening

# The synthetic history ends here (a fixed day, so a seed always writes the same rows).
HISTORY_END = date(2026, 10, 31)
HISTORY_DAYS = 730
BATCH_PATIENTS = 2000

# --- Parameters of the synthetic population (made up to look plausible; not clinical rules) ---------
# protocol id: share of patients.
PROTOCOL_MIX = {
    "kap-sublingual-at-home": 0.30,
    "kap-im": 0.25,
    "kap-sublingual-in-office": 0.20,
    "iv-racemic-ketamine": 0.20,
    "esketamine-trd": 0.05,
}
# condition: (ICD-10-CM code, main instrument, second instrument or "").
CONDITIONS = {
    "depression": ("F33.1", "phq9", "gad7"),
    "anxiety": ("F41.1", "gad7", "phq9"),
    "ptsd": ("F43.10", "pcl5", "phq9"),
}
CONDITIONS_BY_ROUTE = {
    "sublingual": ("depression", "depression", "anxiety", "ptsd"),
    "im": ("depression", "anxiety", "ptsd", "ptsd"),
    "iv": ("depression",),
    "intranasal_esketamine": ("depression",),
}
# Baseline total range for a synthetic patient, per instrument (moderate to severe).
BASELINE_RANGE = {"phq9": (10, 24), "gad7": (10, 19), "pcl5": (33, 70)}
# Course of the scores: share of patients (the trajectory shares Hull 2022 reports, clinical.md §3.3).
TRAJECTORIES = (("improvement", 0.793), ("chronic", 0.114), ("delayed", 0.093))
RELAPSE_SHARE = 0.12  # improvers whose follow-up score climbs back
# Multiplier of the published per-session rates, by route, and extra terms with their own rate.
ROUTE_RATE_FACTOR = {"im": 1.0, "sublingual": 0.8, "iv": 1.15, "intranasal_esketamine": 1.1}
EXTRA_TERM_RATES = {"dizziness": 0.03, "dissociation": 0.10, "anxiety": 0.02}
SEVERITY_MIX = (("mild", 0.75), ("moderate", 0.22), ("severe", 0.03))
HARD_STOP_SHARE = 0.02  # sessions stopped at the gate (no dose)
MAINTENANCE_DOSES = (0, 2, 3, 4, 5, 6, 8, 10)  # after the protocol's series, picked at random
BODY_WEIGHT_KG = (55, 110)
GIVEN_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery")
FAMILY_NAMES = ("Synthetic", "Testcase", "Example", "Sample", "Placeholder", "Mock", "Fixture")


# Shared JSON values of the synthetic rows (one object each, serialised once).
SYNTHETIC: dict[str, Any] = {"synthetic": True}
SYNTHETIC_ELIGIBLE: dict[str, Any] = {"synthetic": True, "decision": "eligible"}
NONE: list[Any] = []


@dataclass(frozen=True)
class SynthSummary:
    seed: int
    clinics: tuple[int, ...]
    counts: dict[str, int]


class SynthError(ValueError):
    pass


def synth_clinic(
    *,
    patients: int,
    seed: int,
    clinics: int = 2,
    progress: Callable[[str], None] | None = None,
) -> SynthSummary:
    if patients < 1:
        raise SynthError("--patients: give at least 1.")
    if not 1 <= clinics <= 26:
        raise SynthError("--clinics: give 1 to 26.")
    if not 0 <= seed < 26**5:
        raise SynthError(f"--seed: give a whole number from 0 to {26**5 - 1}.")
    prefixes = [f"Y{_letters(seed)}{chr(ord('A') + index)}" for index in range(clinics)]
    if Clinic.objects.filter(mrn_prefix__in=prefixes).exists():
        raise SynthError(f"--seed: the synthetic clinic of seed {seed} is in the database already.")
    if Organisation.objects.filter(name=_organisation_name(seed)).exists():
        raise SynthError(f"--seed: the synthetic clinic of seed {seed} is in the database already.")
    rng = random.Random(seed)  # noqa: S311 -- synthetic data, deterministic by seed; not security
    with transaction.atomic():
        organisation = Organisation.objects.create(name=_organisation_name(seed))
        staff = []
        for index in range(clinics):
            letter = chr(ord("A") + index)
            clinic = Clinic.objects.create(
                organisation=organisation,
                name=f"Synthetic clinic {letter} (seed {seed})",
                mrn_prefix=prefixes[index],
            )
            users = {}
            for role in (Role.PRESCRIBER, Role.NURSE):
                user = User.objects.create_user(
                    username=f"synth{seed}-{letter.lower()}-{role}", password=None
                )
                Membership.objects.create(user=user, clinic=clinic, role=role)
                users[role] = user
            staff.append((clinic, users[Role.PRESCRIBER].pk, users[Role.NURSE].pk))
        writer = _Writer()
        generator = _Generator(rng, seed, writer)
        for start in range(0, patients, BATCH_PATIENTS):
            for number in range(start, min(patients, start + BATCH_PATIENTS)):
                clinic, prescriber, nurse = staff[number % clinics]
                generator.patient(number, clinic, prescriber, nurse)
            writer.flush()
            if progress:
                progress(f"{min(patients, start + BATCH_PATIENTS):,} patients")
        writer.finish()
        clinic_ids = tuple(clinic.pk for clinic, _, _ in staff)
        audit_record(
            action=Action.CREATE,
            category=Category.REPORTS,
            actor=None,
            username="openkap synth",
            object_type="synthetic_clinic",
            object_id=organisation.pk,
            detail={
                "seed": seed,
                "patients": patients,
                "clinics": list(clinic_ids),
                **writer.counts,
            },
        )
    return SynthSummary(seed=seed, clinics=clinic_ids, counts=dict(writer.counts))


def _letters(number: int) -> str:
    """A number in capital letters (base 26), for the clinics' record-number prefixes."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = chr(ord("A") + digit) + letters
        if number == 0:
            return letters


def _organisation_name(seed: int) -> str:
    return f"Synthetic organisation (seed {seed})"


# --- Writing rows in bulk ---------------------------------------------------------------------------

MODELS: tuple[type[models.Model], ...] = (
    Patient,
    Screening,
    TreatmentPlan,
    Appointment,
    DosingSession,
    ChartEntry,
    AdverseEvent,
    QuestionnaireResponse,
)


class _Table:
    """One model's columns in order, with defaults for the fields a row leaves out."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.names = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        # A field a row leaves out takes its default (blank text, None, or the model's default).
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.getter = operator.itemgetter(*self.names)
        self.rows: list[tuple[Any, ...]] = []
        self.next_id = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def add(self, values: dict[str, Any]) -> int:
        row_id = self.next_id
        self.next_id += 1
        row = self.defaults.copy()
        row.update(values)
        row["id"] = row_id
        self.rows.append(self.getter(row))
        return row_id


class _Writer:
    def __init__(self) -> None:
        self.tables = {model: _Table(model) for model in MODELS}
        self.counts: dict[str, int] = {model._meta.model_name or "": 0 for model in MODELS}

    def add(self, model: type[models.Model], **values: Any) -> int:
        return self.tables[model].add(values)

    def flush(self) -> None:
        # In dependency order, so every foreign key points at a row already written.
        with connection.cursor() as cursor:
            for model in MODELS:
                table = self.tables[model]
                if table.rows:
                    if connection.vendor == "postgresql":
                        _copy(cursor, table)
                    else:
                        _insert(cursor, table)
                    self.counts[model._meta.model_name or ""] += len(table.rows)
                    table.rows = []

    def finish(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in MODELS:
                db_table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {connection.ops.quote_name(db_table)}))",
                    [db_table],
                )


def _copy(cursor: Any, table: _Table) -> None:
    """COPY in PostgreSQL's text format, written in one piece per table and batch."""
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    name = connection.ops.quote_name(table.model._meta.db_table)
    text = "".join("\t".join(map(_copy_value, row)) + "\n" for row in table.rows)
    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        copy.write(text)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        # The JSON values are shared objects (the scores per total, the synthetic markers): each is
        # serialised once.
        text = _json_text.get(id(value))
        if text is None:
            text = _json_text[id(value)] = json.dumps(value).translate(_ESCAPES)
            _json_kept.append(value)
        return text
    return str(value)  # numbers, decimals, dates, UUIDs


_json_text: dict[int, str] = {}
_json_kept: list[Any] = []  # keeps the serialised objects alive, so their ids stay theirs


def _insert(cursor: Any, table: _Table) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    name = connection.ops.quote_name(table.model._meta.db_table)
    marks = ", ".join(["%s"] * len(table.columns))
    # Text, numbers, booleans and keys go as they are; dates, times, UUIDs, JSON and decimals are
    # adapted by their field, as Django would.
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    prepare = [
        None if isinstance(field, plain) or field.is_relation else field.get_db_prep_save
        for field in table.fields
    ]
    cursor.executemany(
        f"INSERT INTO {name} ({columns}) VALUES ({marks})",  # noqa: S608
        [
            [
                value if p is None or value is None else p(value, connection)
                for p, value in zip(prepare, row, strict=True)
            ]
            for row in table.rows
        ],
    )


# --- The synthetic history ----------------------------------------------------------------------------


@cache
def _answers_for(instrument_id: str, total: int) -> tuple[list[int], engine.Scored]:
    """Item answers that add up to the total (filled from the first item on), and their score."""
    inst = instruments.instrument(instrument_id)
    answers, left = [], total
    for item in inst.items:
        value = min(left, max(item.values))
        answers.append(value)
        left -= value
    scored = engine.score(instrument_id, answers)
    if scored.total != total:
        raise SynthError(f"{instrument_id}: answers for {total} scored {scored.total}")
    return answers, scored


@cache
def _dose_days(protocol_id: str) -> tuple[int, ...]:
    return tuple(e.day for e in protocols.plan_schedule(protocol_id) if e.kind == "dosing")


def _pick(rng: random.Random, shares: Iterable[tuple[str, float]]) -> str:
    options = list(shares)
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class _Generator:
    def __init__(self, rng: random.Random, seed: int, writer: _Writer) -> None:
        self.rng = rng
        self.seed = seed
        self.w = writer
        self.severities = {t.id for t in session.severity_grades()}
        self.rates = self._rates()
        self.names = {i: instruments.instrument(i).name for i in BASELINE_RANGE}

    def _rates(self) -> dict[str, dict[str, float]]:
        base = {figure.term: figure.rate for figure in published().safety}
        base.update(EXTRA_TERM_RATES)
        known = {t.id for t in session.side_effect_terms()}
        unknown = set(base) - known
        if unknown:
            raise SynthError(f"terms not in the session vocabulary: {', '.join(sorted(unknown))}")
        return {
            route: {term: min(1.0, rate * factor) for term, rate in base.items()}
            for route, factor in ROUTE_RATE_FACTOR.items()
        }

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def patient(self, number: int, clinic: Clinic, prescriber: int, nurse: int) -> None:
        rng, w = self.rng, self.w
        protocol_id = _pick(rng, PROTOCOL_MIX.items())
        proto = protocols.protocol(protocol_id)
        condition = rng.choice(CONDITIONS_BY_ROUTE[proto.route])
        code, main, second = CONDITIONS[condition]
        start = HISTORY_END - timedelta(days=rng.randint(120, HISTORY_DAYS))
        created = _at(start - timedelta(days=14), 9)
        patient_id = w.add(
            Patient,
            public_id=self.uuid(),
            clinic_id=clinic.pk,
            mrn=f"{clinic.mrn_prefix}-{number + 1:07d}",
            legal_given_name=rng.choice(GIVEN_NAMES),
            legal_family_name=rng.choice(FAMILY_NAMES),
            date_of_birth=date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice(("female", "male")),
            created_at=created,
            updated_at=created,
            created_by_id=prescriber,
        )
        screened = created + timedelta(days=3)
        screening_id = w.add(
            Screening,
            patient_id=patient_id,
            status="signed",
            route=proto.route,
            setting=proto.settings[0],
            engine_input=SYNTHETIC,
            engine_output=SYNTHETIC_ELIGIBLE,
            engine_decision="eligible",
            findings=NONE,
            rule_pack="synthetic",
            evaluated_at=screened,
            evaluated_by_id=prescriber,
            final_decision="eligible",
            signed_at=screened,
            signed_by_id=prescriber,
            created_at=screened,
            created_by_id=prescriber,
        )
        series = _dose_days(protocol_id)
        days = list(series)
        for _ in range(rng.choice(MAINTENANCE_DOSES)):
            days.append(days[-1] + rng.randint(21, 42))
        ended = _at(start + timedelta(days=days[-1] + 1), 17)
        active = ended > _at(HISTORY_END, 0)
        plan_id = w.add(
            TreatmentPlan,
            patient_id=patient_id,
            screening_id=screening_id,
            indication_code=code,
            route=proto.route,
            setting=proto.settings[0],
            psychotherapy="none" if proto.route == "intranasal_esketamine" else "cbt",
            format="individual",
            protocol_id=protocol_id,
            protocol_name=proto.name,
            sessions=len(series),
            start_date=start,
            status="active" if active else "completed",
            created_at=screened,
            created_by_id=prescriber,
            signed_at=screened,
            signed_by_id=prescriber,
            ended_at=None if active else ended,
        )
        weight = rng.randint(*BODY_WEIGHT_KG)
        dose = proto.dose.default * (weight if proto.dose.basis == "mg_per_kg" else 1)
        session_starts = []
        for dose_number, day in enumerate(days, start=1):
            starts = _at(start + timedelta(days=day), 10) + timedelta(minutes=rng.randint(0, 360))
            if starts > _at(HISTORY_END, 0):
                break
            session_starts.append(starts)
            self._session(patient_id, plan_id, protocol_id, proto.route, dose_number, day,
                          starts, Decimal(f"{dose:.3f}"), prescriber, nurse)  # fmt: skip
        self._questionnaires(patient_id, main, second, session_starts, nurse)

    def _session(
        self,
        patient_id: int,
        plan_id: int,
        protocol_id: str,
        route: str,
        dose_number: int,
        day: int,
        starts: datetime,
        dose: Decimal,
        prescriber: int,
        nurse: int,
    ) -> None:
        rng, w = self.rng, self.w
        appointment_id = w.add(
            Appointment,
            plan_id=plan_id,
            patient_id=patient_id,
            kind="dosing",
            label=f"Dosing session {dose_number}",
            dose_number=dose_number,
            protocol_day=day,
            starts_at=starts,
            duration_minutes=120,
            clinician_id=nurse,
            status="done",
            created_at=starts - timedelta(days=day + 1),
            updated_at=starts,
        )
        gate_at = starts - timedelta(minutes=15)
        common = {
            "appointment_id": appointment_id,
            "plan_id": plan_id,
            "patient_id": patient_id,
            "protocol_id": protocol_id,
            "gate_answers": SYNTHETIC,
            "gate_data_version": "synthetic",
            "gate_recorded_at": gate_at,
            "gate_recorded_by_id": nurse,
            "created_at": gate_at,
        }
        if rng.random() < HARD_STOP_SHARE:
            w.add(DosingSession, status="gate", gate_outcome="hard_stop", **common)
            return
        ended = starts + timedelta(minutes=40)
        signed = starts + timedelta(minutes=150)
        session_id = w.add(
            DosingSession,
            status="signed",
            gate_outcome="pass",
            dose_mg=dose,
            dose_calculation=SYNTHETIC,
            dose_confirmed_at=gate_at,
            dose_confirmed_by_id=prescriber,
            dose_started_at=starts,
            dose_ended_at=ended,
            discharged_at=signed - timedelta(minutes=10),
            discharged_by_id=nurse,
            aftercare_given=True,
            signed_at=signed,
            signed_by_id=prescriber,
            **common,
        )
        terms = [term for term, rate in self.rates[route].items() if rng.random() < rate]
        systolic = rng.randint(105, 135)
        for minutes in (0, 40, 90)[: rng.choice((2, 3))]:
            rise = (
                rng.randint(18, 35) if minutes == 40 and "elevated_blood_pressure" in terms else 0
            )
            observed = starts + timedelta(minutes=minutes)
            w.add(
                ChartEntry,
                session_id=session_id,
                kind="vitals",
                observed_at=observed,
                systolic=systolic + rise + rng.randint(-5, 5),
                diastolic=rng.randint(65, 85) + rise // 2,
                heart_rate=rng.randint(60, 95),
                spo2=rng.randint(95, 100),
                respiratory_rate=rng.randint(12, 18),
                entered_at=observed,
                entered_by_id=nurse,
                client_id=self.uuid(),
            )
        for term in terms:
            severity = _pick(rng, SEVERITY_MIX)
            onset = starts + timedelta(minutes=rng.randint(10, 90))
            entry_id = w.add(
                ChartEntry,
                session_id=session_id,
                kind="side_effect",
                observed_at=onset,
                term=term,
                severity=severity,
                entered_at=onset,
                entered_by_id=nurse,
                client_id=self.uuid(),
            )
            w.add(
                AdverseEvent,
                patient_id=patient_id,
                session_id=session_id,
                chart_entry_id=entry_id,
                source="session",
                term=term,
                severity=severity,
                outcome="resolved",
                onset_at=onset,
                resolved_at=onset + timedelta(minutes=rng.randint(15, 120)),
                reported_at=onset,
                reported_by_id=nurse,
            )

    def _questionnaires(
        self, patient_id: int, main: str, second: str, starts: Sequence[datetime], nurse: int
    ) -> None:
        if not starts:
            return
        rng = self.rng
        course = _pick(rng, TRAJECTORIES)
        relapse = course == "improvement" and rng.random() < RELAPSE_SHARE
        when = [starts[0] - timedelta(days=3)]
        when += [moment - timedelta(minutes=30) for moment in starts[1:]]
        follow_up = starts[-1] + timedelta(days=14)
        if follow_up < _at(HISTORY_END, 0):
            when.append(follow_up)
        end_fraction = {
            "improvement": rng.uniform(0.1, 0.6),
            "chronic": rng.uniform(0.8, 1.05),
            "delayed": rng.uniform(0.2, 0.6),
        }[course]
        for instrument_id, moments in ((main, when), (second, when[:: max(1, len(when) // 2)])):
            if not instrument_id:
                continue
            low, high = BASELINE_RANGE[instrument_id]
            maximum = instruments.instrument(instrument_id).total_range[1]
            baseline = rng.randint(low, high)
            noise = max(1, (high - low) // 8)
            for index, moment in enumerate(moments):
                progress = index / max(1, len(moments) - 1)
                if course == "delayed":
                    progress = max(0.0, progress * 2 - 1)
                fraction = 1 - (1 - end_fraction) * (1 - (1 - progress) ** 2)
                if relapse and index == len(moments) - 1 and index > 1:
                    fraction = rng.uniform(0.7, 1.0)
                total = round(baseline * fraction) + (rng.randint(-noise, noise) if index else 0)
                total = min(maximum, max(0, total))
                answers, scored = _answers_for(instrument_id, total)
                self.w.add(
                    QuestionnaireResponse,
                    patient_id=patient_id,
                    instrument_id=instrument_id,
                    instrument_name=self.names[instrument_id],
                    answers=answers,
                    total=scored.total,
                    severity=scored.severity,
                    flags=scored.flags,
                    score=scored.result,
                    completed_at=moment,
                    recorded_by_id=nurse,
                )


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)
