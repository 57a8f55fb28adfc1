"""`openkap synth`: a synthetic clinic's history at scale, for the reports and their benchmark.

Synthetic people only (made-up names, random birth dates), deterministic by seed: the same seed and
size write the same rows. Each patient has a signed screening, one treatment plan on a protocol of
the knowledge (route, setting and dose from the protocol's data), dosing appointments and sessions on
the protocol's schedule plus some maintenance doses, two or three sets of vital signs per session,
adverse events linked to the session and to a side-effect chart entry (per-route rates near the
published ones, knowledge/reports/published.toml), and questionnaires with plausible trajectories
(baseline, improvement, chronic or delayed courses, some relapse at follow-up), scored by the
clinical core.

Speed: the rows are drawn with NumPy a batch of patients at a time (one random generator seeded
with S, so a seed always draws the same rows), column by column rather than row by row, and written
straight to the tables: on PostgreSQL with COPY (each column turned into text by NumPy, each table's
batch sent in one piece), elsewhere with executemany. The questionnaires' answers and scores come
from the clinical core's scorer, once per instrument and total. On PostgreSQL the load sets aside,
inside its transaction, the foreign keys from the tables it fills, their unique constraints and
their secondary indexes, and puts every one back from its own definition before committing: the
indexes are rebuilt in one pass, and each uniqueness and each foreign key is checked over every row
in one query (instead of once per row); then the tables are analysed. A row that broke one fails the
run and nothing is kept. Those tables (and the ones they refer to) are locked against other writers
until the load commits: a synthetic clinic belongs in a database of its own.

The rows respect the models' constraints (signed rows name their signer, hard stops never dose,
in-session events link their session), but no audit row is written per record: these are not
clinical acts on real people, and a million audit rows would make the chain meaningless for the run.
The run itself is audited once (what, how many, which seed). The controlled-substance ledger is not
written: synthetic doses draw on no real stock.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
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

Array = npt.NDArray[Any]

# The synthetic history ends here (a fixed day, so a seed always writes the same rows).
HISTORY_END = date(2026, 10, 31)
HISTORY_DAYS = 730
# Patients drawn and written at a time (part of what a seed means: the rows are drawn in batches).
BATCH_PATIENTS = 10_000

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
# Course of the scores: share of patients (the trajectory shares Hull 2022 reports, clinical.md §3.3),
# and the range of the last score as a fraction of the baseline.
TRAJECTORIES = (("improvement", 0.793), ("chronic", 0.114), ("delayed", 0.093))
END_FRACTION = {"improvement": (0.1, 0.6), "chronic": (0.8, 1.05), "delayed": (0.2, 0.6)}
RELAPSE_SHARE = 0.12  # improvers whose follow-up score climbs back
RELAPSE_FRACTION = (0.7, 1.0)  # their last score, as a fraction of the baseline
# Multiplier of the published per-session rates, by route, and extra terms with their own rate.
ROUTE_RATE_FACTOR = {"im": 1.0, "sublingual": 0.8, "iv": 1.15, "intranasal_esketamine": 1.1}
EXTRA_TERM_RATES = {"dizziness": 0.03, "dissociation": 0.10, "anxiety": 0.02}
SEVERITY_MIX = (("mild", 0.75), ("moderate", 0.22), ("severe", 0.03))
HARD_STOP_SHARE = 0.02  # sessions stopped at the gate (no dose)
MAINTENANCE_DOSES = (0, 2, 3, 4, 5, 6, 8, 10)  # after the protocol's series, picked at random
MAINTENANCE_GAP_DAYS = (21, 42)
BODY_WEIGHT_KG = (55, 110)
GIVEN_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery")
FAMILY_NAMES = ("Synthetic", "Testcase", "Example", "Sample", "Placeholder", "Mock", "Fixture")
SEXES = ("female", "male")
BIRTH_YEARS = (1950, 2004)
# Minutes after the session's start: the vital-sign sets (two or three of them, in this order).
VITALS_AT = (0, 40, 90)
# Shared JSON values of the synthetic rows.
SYNTHETIC: dict[str, Any] = {"synthetic": True}
SYNTHETIC_ELIGIBLE: dict[str, Any] = {"synthetic": True, "decision": "eligible"}

MINUTE, HOUR, DAY = 1, 60, 1440  # times are whole minutes since 1970-01-01 UTC
END_DAY = (HISTORY_END - date(1970, 1, 1)).days
END = END_DAY * DAY  # midnight at the start of HISTORY_END


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
    population = _Population()
    rng = np.random.default_rng(seed)
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
        clinic_ids = tuple(clinic.pk for clinic, _, _ in staff)
        staffing = _Staff(
            clinic_ids=np.array(clinic_ids, dtype=np.int64),
            prefixes=tuple(f"{clinic.mrn_prefix}-" for clinic, _, _ in staff),
            prescribers=np.array([p for _, p, _ in staff], dtype=np.int64),
            nurses=np.array([n for _, _, n in staff], dtype=np.int64),
        )
        writer = _Writer()
        with _bulk_load([model._meta.db_table for model in MODELS]):
            for start in range(0, patients, BATCH_PATIENTS):
                numbers = np.arange(start, min(patients, start + BATCH_PATIENTS), dtype=np.int64)
                _draw_batch(rng, population, staffing, writer, numbers)
                writer.flush()
                if progress:
                    progress(f"{int(numbers[-1]) + 1:,} patients")
            if progress and connection.vendor == "postgresql":
                progress("indexes, foreign keys and statistics")
        writer.finish()
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


# --- The synthetic population's data, as arrays -----------------------------------------------------


@dataclass(frozen=True)
class _Staff:
    clinic_ids: Array
    prefixes: tuple[str, ...]  # the clinics' record-number prefixes, with the dash
    prescribers: Array
    nurses: Array


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


class _Population:
    """The parameters above and the knowledge they draw on, as lookup tables indexed by number."""

    def __init__(self) -> None:
        self.protocols = tuple(PROTOCOL_MIX)
        self.protocol_shares = np.array(list(PROTOCOL_MIX.values()))
        self.protocol_shares /= self.protocol_shares.sum()
        specs = [protocols.protocol(p) for p in self.protocols]
        self.routes = tuple(ROUTE_RATE_FACTOR)
        self.protocol_route = np.array([self.routes.index(p.route) for p in specs])
        self.protocol_names = tuple(p.name for p in specs)
        self.protocol_settings = tuple(p.settings[0] for p in specs)
        self.protocol_psychotherapy = tuple(
            "none" if p.route == "intranasal_esketamine" else "cbt" for p in specs
        )
        # The dose in thousandths of a milligram (per kg of body weight where the basis says so).
        self.dose_milli = np.array([round(p.dose.default * 1000) for p in specs], dtype=np.int64)
        self.dose_per_kg = np.array([p.dose.basis == "mg_per_kg" for p in specs])
        # The dosing days of each protocol's series, padded on the right with the last one.
        series = [
            [e.day for e in protocols.plan_schedule(p) if e.kind == "dosing"]
            for p in self.protocols
        ]
        if any(not days or days != sorted(set(days)) for days in series):
            raise SynthError("a protocol's dosing days are not increasing")
        self.series_length = np.array([len(days) for days in series], dtype=np.int64)
        width = max(map(len, series))
        self.series_days = np.array(
            [days + [days[-1]] * (width - len(days)) for days in series], dtype=np.int64
        )
        self.labels = tuple(
            f"Dosing session {number}" for number in range(1, width + max(MAINTENANCE_DOSES) + 1)
        )

        self.conditions = tuple(CONDITIONS)
        self.codes = tuple(CONDITIONS[c][0] for c in self.conditions)
        self.instruments = tuple(BASELINE_RANGE)
        self.main = np.array([self.instruments.index(CONDITIONS[c][1]) for c in self.conditions])
        self.second = np.array(
            [self.instruments.index(CONDITIONS[c][2]) if CONDITIONS[c][2] else -1
             for c in self.conditions]
        )  # fmt: skip
        by_route = [[self.conditions.index(c) for c in CONDITIONS_BY_ROUTE[r]] for r in self.routes]
        self.route_condition_count = np.array([len(c) for c in by_route])
        self.route_conditions = np.array(
            [c + [c[-1]] * (max(map(len, by_route)) - len(c)) for c in by_route]
        )

        base = {figure.term: figure.rate for figure in published().safety}
        base.update(EXTRA_TERM_RATES)
        known = {t.id for t in session.side_effect_terms()}
        unknown = set(base) - known
        if unknown:
            raise SynthError(f"terms not in the session vocabulary: {', '.join(sorted(unknown))}")
        self.terms = tuple(base)
        self.blood_pressure = self.terms.index("elevated_blood_pressure")
        self.rates = np.array(
            [[min(1.0, base[t] * ROUTE_RATE_FACTOR[r]) for t in self.terms] for r in self.routes]
        )
        grades = {t.id for t in session.severity_grades()}
        self.severities = tuple(s for s, _ in SEVERITY_MIX)
        if not set(self.severities) <= grades:
            raise SynthError("a severity of SEVERITY_MIX is not a grade of the session vocabulary")
        self.severity_shares = np.array([share for _, share in SEVERITY_MIX])
        self.severity_shares /= self.severity_shares.sum()

        self.courses = tuple(course for course, _ in TRAJECTORIES)
        self.course_shares = np.array([share for _, share in TRAJECTORIES])
        self.course_shares /= self.course_shares.sum()
        self.end_low = np.array([END_FRACTION[c][0] for c in self.courses])
        self.end_span = np.array([END_FRACTION[c][1] - END_FRACTION[c][0] for c in self.courses])

        specs_i = [instruments.instrument(i) for i in self.instruments]
        self.instrument_names = tuple(inst.name for inst in specs_i)
        self.baseline_low = np.array([BASELINE_RANGE[i][0] for i in self.instruments])
        self.baseline_high = np.array([BASELINE_RANGE[i][1] for i in self.instruments])
        self.noise = np.maximum(1, (self.baseline_high - self.baseline_low) // 8)
        self.maximum = np.array([inst.total_range[1] for inst in specs_i])
        # Per instrument and total (at offset[instrument] + total): the answers and the score.
        self.score_offset = np.concatenate(([0], np.cumsum(self.maximum + 1)[:-1]))
        answers, severity, flags, result = [], [], [], []
        for instrument_id, maximum in zip(self.instruments, self.maximum, strict=True):
            for total in range(int(maximum) + 1):
                given, scored = _answers_for(instrument_id, total)
                answers.append(json.dumps(given))
                severity.append(scored.severity)
                flags.append(json.dumps(scored.flags))
                result.append(json.dumps(scored.result))
        self.answers, self.severity, self.flags, self.result = (
            tuple(answers),
            tuple(severity),
            tuple(flags),
            tuple(result),
        )


def _draw_batch(
    rng: np.random.Generator, pop: _Population, staff: _Staff, w: _Writer, numbers: Array
) -> None:
    """Draw the history of these patients (by number) and hand the rows to the writer."""
    n = len(numbers)
    clinic = numbers % len(staff.clinic_ids)
    prescriber, nurse = staff.prescribers[clinic], staff.nurses[clinic]

    # Patients, their screening and plan.
    protocol = rng.choice(len(pop.protocols), size=n, p=pop.protocol_shares)
    route = pop.protocol_route[protocol]
    pick = (rng.random(n) * pop.route_condition_count[route]).astype(np.int64)
    condition = pop.route_conditions[route, pick]
    start_day = END_DAY - rng.integers(120, HISTORY_DAYS, size=n, endpoint=True)
    created = (start_day - 14) * DAY + 9 * HOUR
    screened = created + 3 * DAY
    patient_ids = w.ids(Patient, n)
    born = (
        (rng.integers(*BIRTH_YEARS, size=n, endpoint=True) - 1970).astype("datetime64[Y]")
        + rng.integers(0, 12, size=n).astype("timedelta64[M]")
    ).astype("datetime64[D]") + rng.integers(0, 28, size=n).astype("timedelta64[D]")
    w.add(
        Patient,
        id=patient_ids,
        public_id=Uuids(_uuids(rng, n)),
        clinic_id=staff.clinic_ids[clinic],
        mrn=Text(
            np.strings.add(
                Choice(clinic, staff.prefixes).strings(),
                np.strings.zfill((numbers + 1).astype(np.dtypes.StringDType()), 7),
            )
        ),
        legal_given_name=Choice(rng.integers(0, len(GIVEN_NAMES), size=n), GIVEN_NAMES),
        legal_family_name=Choice(rng.integers(0, len(FAMILY_NAMES), size=n), FAMILY_NAMES),
        date_of_birth=Days(born.astype(np.int64)),
        sex=Choice(rng.integers(0, len(SEXES), size=n), SEXES),
        created_at=Moments(created),
        updated_at=Moments(created),
        created_by_id=prescriber,
    )
    screening_ids = w.ids(Screening, n)
    setting = Choice(protocol, pop.protocol_settings)
    w.add(
        Screening,
        id=screening_ids,
        patient_id=patient_ids,
        status="signed",
        route=Choice(route, pop.routes),
        setting=setting,
        engine_input=Json(SYNTHETIC),
        engine_output=Json(SYNTHETIC_ELIGIBLE),
        engine_decision="eligible",
        findings=Json([]),
        rule_pack="synthetic",
        evaluated_at=Moments(screened),
        evaluated_by_id=prescriber,
        final_decision="eligible",
        signed_at=Moments(screened),
        signed_by_id=prescriber,
        created_at=Moments(screened),
        created_by_id=prescriber,
    )

    # The dosing days: the protocol's series, then maintenance doses 3 to 6 weeks apart.
    series_length = pop.series_length[protocol]
    maintenance = np.array(MAINTENANCE_DOSES)[rng.integers(0, len(MAINTENANCE_DOSES), size=n)]
    gaps = rng.integers(*MAINTENANCE_GAP_DAYS, size=(n, max(MAINTENANCE_DOSES)), endpoint=True)
    after_series = np.cumsum(gaps, axis=1)
    owner, position = _expand(series_length + maintenance)
    in_series = position < series_length[owner]
    last_of_series = pop.series_days[protocol, series_length - 1]
    extra = np.clip(position - series_length[owner], 0, after_series.shape[1] - 1)
    day = np.where(
        in_series,
        pop.series_days[protocol[owner], np.minimum(position, pop.series_days.shape[1] - 1)],
        last_of_series[owner] + after_series[owner, extra],
    )
    last_day = np.maximum.reduceat(day, _starts(series_length + maintenance))
    ended = (start_day + last_day + 1) * DAY + 17 * HOUR
    active = ended > END
    plan_ids = w.ids(TreatmentPlan, n)
    w.add(
        TreatmentPlan,
        id=plan_ids,
        patient_id=patient_ids,
        screening_id=screening_ids,
        indication_code=Choice(condition, pop.codes),
        route=Choice(route, pop.routes),
        setting=setting,
        psychotherapy=Choice(protocol, pop.protocol_psychotherapy),
        format="individual",
        protocol_id=Choice(protocol, pop.protocols),
        protocol_name=Choice(protocol, pop.protocol_names),
        sessions=series_length,
        start_date=Days(start_day),
        status=Choice(active.astype(np.int64), ("completed", "active")),
        created_at=Moments(screened),
        created_by_id=prescriber,
        signed_at=Moments(screened),
        signed_by_id=prescriber,
        ended_at=Nullable(Moments(ended), active),
    )

    # Dosing appointments and sessions, up to the end of the history.
    starts = (start_day[owner] + day) * DAY + 10 * HOUR + rng.integers(0, 360, size=len(day),
                                                                       endpoint=True)  # fmt: skip
    kept = starts <= END  # the days increase, so a patient's kept sessions are the first ones
    owner, position, day, starts = owner[kept], position[kept], day[kept], starts[kept]
    s = len(owner)
    appointment_ids = w.ids(Appointment, s)
    w.add(
        Appointment,
        id=appointment_ids,
        plan_id=plan_ids[owner],
        patient_id=patient_ids[owner],
        kind="dosing",
        label=Choice(position, pop.labels),
        dose_number=position + 1,
        protocol_day=day,
        starts_at=Moments(starts),
        duration_minutes=120,
        clinician_id=nurse[owner],
        status="done",
        created_at=Moments(starts - (day + 1) * DAY),
        updated_at=Moments(starts),
    )
    gate_at = starts - 15 * MINUTE
    common = {
        "appointment_id": appointment_ids,
        "plan_id": plan_ids[owner],
        "patient_id": patient_ids[owner],
        "protocol_id": Choice(protocol[owner], pop.protocols),
        "gate_answers": Json(SYNTHETIC),
        "gate_data_version": "synthetic",
        "gate_recorded_at": Moments(gate_at),
        "gate_recorded_by_id": nurse[owner],
        "created_at": Moments(gate_at),
    }
    stopped = rng.random(s) < HARD_STOP_SHARE
    at_gate = np.flatnonzero(stopped)
    w.add(
        DosingSession,
        id=w.ids(DosingSession, len(at_gate)),
        status="gate",
        gate_outcome="hard_stop",
        **_take(common, at_gate),
    )
    dosed = np.flatnonzero(~stopped)
    g = len(dosed)
    session_ids = w.ids(DosingSession, g)
    d_owner, d_starts = owner[dosed], starts[dosed]
    w.add(
        DosingSession,
        id=session_ids,
        status="signed",
        gate_outcome="pass",
        dose_mg=Milligrams(
            pop.dose_milli[protocol[d_owner]]
            * np.where(pop.dose_per_kg[protocol[d_owner]], _weights(rng, n)[d_owner], 1)
        ),
        dose_calculation=Json(SYNTHETIC),
        dose_confirmed_at=Moments(gate_at[dosed]),
        dose_confirmed_by_id=prescriber[d_owner],
        dose_started_at=Moments(d_starts),
        dose_ended_at=Moments(d_starts + 40 * MINUTE),
        discharged_at=Moments(d_starts + 140 * MINUTE),
        discharged_by_id=nurse[d_owner],
        aftercare_given=True,
        signed_at=Moments(d_starts + 150 * MINUTE),
        signed_by_id=prescriber[d_owner],
        **_take(common, dosed),
    )

    # Side effects at each route's rates, and two or three sets of vital signs per dosed session.
    hit = rng.random((g, len(pop.terms))) < pop.rates[route[d_owner]]
    base_systolic = rng.integers(105, 135, size=g, endpoint=True)
    v_owner, v_position = _expand(rng.integers(2, 3, size=g, endpoint=True))
    v = len(v_owner)
    rise = np.where(
        (np.array(VITALS_AT)[v_position] == 40) & hit[v_owner, pop.blood_pressure],
        rng.integers(18, 35, size=v, endpoint=True),
        0,
    )
    observed = Moments(d_starts[v_owner] + np.array(VITALS_AT)[v_position])
    w.add(
        ChartEntry,
        id=w.ids(ChartEntry, v),
        session_id=session_ids[v_owner],
        kind="vitals",
        observed_at=observed,
        systolic=base_systolic[v_owner] + rise + rng.integers(-5, 5, size=v, endpoint=True),
        diastolic=rng.integers(65, 85, size=v, endpoint=True) + rise // 2,
        heart_rate=rng.integers(60, 95, size=v, endpoint=True),
        spo2=rng.integers(95, 100, size=v, endpoint=True),
        respiratory_rate=rng.integers(12, 18, size=v, endpoint=True),
        entered_at=observed,
        entered_by_id=nurse[d_owner[v_owner]],
        client_id=Uuids(_uuids(rng, v)),
    )
    e_session, e_term = np.nonzero(hit)
    e = len(e_session)
    severity = Choice(rng.choice(len(pop.severities), size=e, p=pop.severity_shares),
                      pop.severities)  # fmt: skip
    term = Choice(e_term, pop.terms)
    onset = d_starts[e_session] + rng.integers(10, 90, size=e, endpoint=True)
    e_nurse = nurse[d_owner[e_session]]
    entry_ids = w.ids(ChartEntry, e)
    w.add(
        ChartEntry,
        id=entry_ids,
        session_id=session_ids[e_session],
        kind="side_effect",
        observed_at=Moments(onset),
        term=term,
        severity=severity,
        entered_at=Moments(onset),
        entered_by_id=e_nurse,
        client_id=Uuids(_uuids(rng, e)),
    )
    w.add(
        AdverseEvent,
        id=w.ids(AdverseEvent, e),
        patient_id=patient_ids[d_owner[e_session]],
        session_id=session_ids[e_session],
        chart_entry_id=entry_ids,
        source="session",
        term=term,
        severity=severity,
        outcome="resolved",
        onset_at=Moments(onset),
        resolved_at=Moments(onset + rng.integers(15, 120, size=e, endpoint=True)),
        reported_at=Moments(onset),
        reported_by_id=e_nurse,
    )

    _draw_questionnaires(rng, pop, w, patient_ids, nurse, condition, owner, starts)


def _draw_questionnaires(
    rng: np.random.Generator,
    pop: _Population,
    w: _Writer,
    patient_ids: Array,
    nurse: Array,
    condition: Array,
    owner: Array,
    starts: Array,
) -> None:
    """Questionnaires three days before the first session, half an hour before each later one and
    two weeks after the last (if that is before the end of the history): the main instrument every
    time, the second one about three times; totals that follow the patient's course."""
    n = len(patient_ids)
    if not len(starts):
        return
    sessions = np.bincount(owner, minlength=n)
    first = _starts(sessions)
    # (A patient without sessions has no questionnaire: their index here is never used.)
    follow_up = starts[np.clip(first + sessions - 1, 0, len(starts) - 1)] + 14 * DAY
    has_follow_up = (sessions > 0) & (follow_up < END)
    moments = sessions + has_follow_up
    q_owner, q_position = _expand(moments)
    from_session = q_position < sessions[q_owner]
    session_index = np.minimum(first[q_owner] + q_position, len(starts) - 1)
    when = np.where(
        from_session,
        starts[session_index] + np.where(q_position == 0, -3 * DAY, -30 * MINUTE),
        follow_up[q_owner],
    )

    course = rng.choice(len(pop.courses), size=n, p=pop.course_shares)
    relapse = (course == pop.courses.index("improvement")) & (rng.random(n) < RELAPSE_SHARE)
    end_fraction = pop.end_low[course] + rng.random(n) * pop.end_span[course]
    main, second = pop.main[condition], pop.second[condition]
    baseline_main = rng.integers(pop.baseline_low[main], pop.baseline_high[main], endpoint=True)
    has_second = second >= 0
    second_ = np.where(has_second, second, 0)
    baseline_second = rng.integers(
        pop.baseline_low[second_], pop.baseline_high[second_], endpoint=True
    )

    # The main instrument at every moment; the second at every step-th (step: half the moments).
    step = np.maximum(1, moments // 2)
    second_count = np.where(has_second, (moments + step - 1) // step, 0)
    s_owner, s_position = _expand(second_count)
    who = np.concatenate((q_owner, s_owner))
    index = np.concatenate((q_position, s_position))
    length = np.concatenate((moments[q_owner], second_count[s_owner]))
    at = np.concatenate((when, when[_starts(moments)[s_owner] + s_position * step[s_owner]]))
    instrument = np.concatenate((main[q_owner], second_[s_owner]))
    baseline = np.concatenate((baseline_main[q_owner], baseline_second[s_owner]))

    progress = index / np.maximum(1, length - 1)
    progress = np.where(course[who] == pop.courses.index("delayed"),
                        np.maximum(0.0, progress * 2 - 1), progress)  # fmt: skip
    fraction = 1 - (1 - end_fraction[who]) * (1 - (1 - progress) ** 2)
    relapsed = relapse[who] & (index == length - 1) & (index > 1)
    fraction = np.where(relapsed, rng.uniform(*RELAPSE_FRACTION, size=len(who)), fraction)
    noise = pop.noise[instrument]
    total = np.rint(baseline * fraction).astype(np.int64) + np.where(
        index > 0, rng.integers(-noise, noise, endpoint=True), 0
    )
    total = np.clip(total, 0, pop.maximum[instrument])
    scored = pop.score_offset[instrument] + total
    w.add(
        QuestionnaireResponse,
        id=w.ids(QuestionnaireResponse, len(who)),
        patient_id=patient_ids[who],
        instrument_id=Choice(instrument, pop.instruments),
        instrument_name=Choice(instrument, pop.instrument_names),
        answers=Choice(scored, pop.answers),
        total=total,
        severity=Choice(scored, pop.severity),
        flags=Choice(scored, pop.flags),
        score=Choice(scored, pop.result),
        completed_at=Moments(at),
        recorded_by_id=nurse[who],
    )


def _weights(rng: np.random.Generator, n: int) -> Array:
    return rng.integers(*BODY_WEIGHT_KG, size=n, endpoint=True)


def _starts(counts: Array) -> Array:
    """Where each group of a flat array grouped by owner starts, given the groups' sizes."""
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def _expand(counts: Array) -> tuple[Array, Array]:
    """For groups of these sizes: the owner of each element of the flat array and its position."""
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    position = np.arange(len(owner), dtype=np.int64) - _starts(counts)[owner]
    return owner, position


def _take(columns: dict[str, Any], index: Array) -> dict[str, Any]:
    return {name: _subset(value, index) for name, value in columns.items()}


def _subset(value: Any, index: Array) -> Any:
    if isinstance(value, np.ndarray):
        return value[index]
    if isinstance(value, Moments | Days | Milligrams | Uuids | Text):
        return type(value)(value.values[index])
    if isinstance(value, Choice):
        return Choice(value.index[index], value.options)
    return value  # a constant


def _uuids(rng: np.random.Generator, n: int) -> Array:
    """Random (version 4) UUIDs as 32 hexadecimal digits each."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return np.frombuffer(raw.tobytes().hex().encode("ascii"), dtype="S32")


# --- Columns: what the generator hands the writer ----------------------------------------------------
# A column is a constant (None, text, number, boolean, Json), an integer or boolean array, or one of
# these; the writer turns each into PostgreSQL COPY text or Python values for executemany.


@dataclass(frozen=True)
class Moments:
    values: Array  # whole minutes since 1970-01-01 UTC


@dataclass(frozen=True)
class Days:
    values: Array  # days since 1970-01-01


@dataclass(frozen=True)
class Milligrams:
    values: Array  # thousandths of a milligram (a decimal with three places)


@dataclass(frozen=True)
class Uuids:
    values: Array  # 32 hexadecimal digits each (bytes)


@dataclass(frozen=True)
class Text:
    values: Array  # letters, digits and dashes only (nothing COPY would need to escape)


@dataclass(frozen=True)
class Json:
    value: Any


@dataclass(frozen=True)
class Choice:
    """Text from a vocabulary: options[index] for each row."""

    index: Array
    options: Sequence[str]

    def strings(self, escape: bool = False) -> Array:
        table = np.array([_escape(o) if escape else o for o in self.options],
                         dtype=np.dtypes.StringDType())  # fmt: skip
        return table[self.index]


@dataclass(frozen=True)
class Nullable:
    inner: Any
    null: Array  # True where the value is NULL


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
_CONSTANTS = (str, int, bool, dict, list, Json, type(None))


class _Table:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        # A field a row leaves out takes its default (blank text, None, or the model's default),
        # the same for every row: a callable default that differs per row (a UUID) must be given.
        self.defaults: dict[str, Any] = {}
        for name, field in self.fields.items():
            default = field.get_default()
            per_row = field.has_default() and callable(field.default)
            if (per_row and field.default not in (dict, list)) or not isinstance(
                default, _CONSTANTS
            ):
                default = _Missing(name)
            self.defaults[name] = default
        self.groups: list[tuple[int, dict[str, Any]]] = []
        self.next_id = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


@dataclass(frozen=True)
class _Missing:
    name: str


class _Writer:
    def __init__(self) -> None:
        self.tables = {model: _Table(model) for model in MODELS}
        self.counts: dict[str, int] = {model._meta.model_name or "": 0 for model in MODELS}
        self.postgresql = connection.vendor == "postgresql"

    def ids(self, model: type[models.Model], n: int) -> Array:
        table = self.tables[model]
        first = table.next_id
        table.next_id += n
        return np.arange(first, first + n, dtype=np.int64)

    def add(self, model: type[models.Model], **columns: Any) -> None:
        ids = columns["id"]
        if not len(ids):
            return
        table = self.tables[model]
        unknown = set(columns) - set(table.fields)
        if unknown:
            raise SynthError(f"{model.__name__}: no field {', '.join(sorted(unknown))}")
        row = {**table.defaults, **columns}
        missing = [v.name for v in row.values() if isinstance(v, _Missing)]
        if missing:
            raise SynthError(f"{model.__name__}: give {', '.join(missing)} (no common default)")
        table.groups.append((len(ids), row))

    def flush(self) -> None:
        # In dependency order, so every foreign key points at a row already written.
        with connection.cursor() as cursor:
            for model, table in self.tables.items():
                for n, row in table.groups:
                    if self.postgresql:
                        _copy(cursor, table, n, row)
                    else:
                        _insert(cursor, table, n, row)
                    self.counts[model._meta.model_name or ""] += n
                table.groups = []

    def finish(self) -> None:
        if not self.postgresql:
            return
        with connection.cursor() as cursor:
            for model in MODELS:
                db_table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {connection.ops.quote_name(db_table)}))",
                    [db_table],
                )


def _copy(cursor: Any, table: _Table, n: int, row: dict[str, Any]) -> None:
    """COPY in PostgreSQL's text format: the constant columns first (one piece of text shared by
    every line), then the others, each turned into text by NumPy; one write per table and batch."""
    constant = {name: v for name, v in row.items() if isinstance(v, _CONSTANTS)}
    varying = {name: v for name, v in row.items() if name not in constant}
    pieces = [_copy_constant(v) for v in constant.values()]
    line: Any = "\t".join(pieces) + "\t" if pieces else ""
    done: dict[int, Array] = {}  # a column given twice (the same moments) is turned once
    for index, value in enumerate(varying.values()):
        text = done.get(id(value))
        if text is None:
            text = done[id(value)] = _copy_column(value, n)
        line = (
            np.strings.add(line, text)
            if index == 0
            else np.strings.add(np.strings.add(line, "\t"), text)
        )
    columns = ", ".join(
        connection.ops.quote_name(table.fields[name].column) for name in [*constant, *varying]
    )
    name = connection.ops.quote_name(table.model._meta.db_table)
    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        copy.write("\n".join(line.tolist()) + "\n")


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _copy_constant(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, Json):
        return _escape(json.dumps(value.value))
    if isinstance(value, dict | list):
        return _escape(json.dumps(value))
    return str(value)


def _copy_column(value: Any, n: int) -> Array:
    if isinstance(value, Nullable):
        return np.where(value.null, "\\N", _copy_column(value.inner, n)).astype(
            np.dtypes.StringDType()
        )
    if isinstance(value, Moments):
        return _timestamps(value.values, "+00")
    if isinstance(value, Choice):
        return value.strings(escape=True)
    return _column_text(value)


def _column_text(value: Any) -> Array:
    """The text of a column that reads the same in COPY and in SQLite."""
    string = np.dtypes.StringDType()
    if isinstance(value, Days):
        return np.datetime_as_string(value.values.astype("datetime64[D]")).astype(string)
    if isinstance(value, Milligrams):
        whole, thousandths = np.divmod(value.values, 1000)
        return np.strings.add(
            np.strings.add(whole.astype(string), "."),
            np.strings.zfill(thousandths.astype(string), 3),
        )
    if isinstance(value, Uuids):
        return value.values.astype(string)
    if isinstance(value, Text):
        for character in "\\\t\n\r":
            if np.any(np.strings.find(value.values, character) >= 0):
                raise SynthError("synthetic text with a control character")
        return value.values.astype(string)
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        return np.where(value, "t", "f").astype(string)
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer):
        return value.astype(string)
    raise SynthError(f"a column of unexpected type {type(value).__name__}")


def _timestamps(minutes: Array, zone: str) -> Array:
    """'YYYY-MM-DD HH:MM:00' and the zone, from whole minutes since 1970 (by table look-up: the
    history spans a few hundred days and a day has 1,440 minutes)."""
    string = np.dtypes.StringDType()
    days, minute = np.divmod(minutes, DAY)
    first = int(days.min()) if len(days) else 0
    span = np.arange(first, (int(days.max()) if len(days) else 0) + 1).astype("datetime64[D]")
    day_text = np.strings.add(np.datetime_as_string(span).astype(string), " ")
    return np.strings.add(day_text[days - first], _minute_text(zone)[minute])


@cache
def _minute_text(zone: str) -> Array:
    return np.array(
        [f"{m // 60:02d}:{m % 60:02d}:00{zone}" for m in range(DAY)], dtype=np.dtypes.StringDType()
    )


def _insert(cursor: Any, table: _Table, n: int, row: dict[str, Any]) -> None:
    """executemany, with the values as Django would give them to SQLite."""
    names = list(row)
    columns = ", ".join(connection.ops.quote_name(table.fields[name].column) for name in names)
    name = connection.ops.quote_name(table.model._meta.db_table)
    marks = ", ".join(["%s"] * len(names))
    values = [_python_column(row[name], n) for name in names]
    cursor.executemany(
        f"INSERT INTO {name} ({columns}) VALUES ({marks})",  # noqa: S608
        list(zip(*values, strict=True)),
    )


def _python_column(value: Any, n: int) -> Sequence[Any]:
    if isinstance(value, _CONSTANTS):
        if isinstance(value, Json):
            value = json.dumps(value.value)
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        return list(itertools.repeat(value, n))
    if isinstance(value, Nullable):
        inner = _python_column(value.inner, n)
        return [None if null else v for v, null in zip(inner, value.null.tolist(), strict=True)]
    if isinstance(value, Moments):
        strings: list[str] = _timestamps(value.values, "").tolist()
        return strings
    if isinstance(value, Choice):
        return [value.options[i] for i in value.index.tolist()]
    if isinstance(value, np.ndarray):  # integers, booleans
        numbers: list[Any] = value.tolist()
        return numbers
    texts: list[str] = _column_text(value).tolist()
    return texts


# --- Setting constraints and indexes aside during the load (PostgreSQL) ------------------------------


@contextmanager
def _bulk_load(tables: Sequence[str]) -> Iterator[None]:
    """On PostgreSQL, inside the caller's transaction: drop the foreign keys from these tables,
    their unique constraints that no foreign key refers to and their other plain indexes, then,
    after the load, recreate each from the definition PostgreSQL gave for it (indexes built in one
    pass, uniqueness and foreign keys checked over every row) and analyse the tables. Primary keys,
    check constraints and partial or expression indexes (whose definitions PostgreSQL may word
    differently once re-read) stay in force throughout."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 2, 1",
            [list(tables)],
        )
        foreign_keys = cursor.fetchall()
        # Unique constraints that no foreign key refers to (put back, they check every row again).
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'u' AND conrelid = ANY(%s::regclass[]) AND conindid NOT IN "
            "(SELECT conindid FROM pg_constraint WHERE contype = 'f') ORDER BY 2, 1",
            [list(tables)],
        )
        uniques = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND indpred IS NULL AND indexprs IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid) "
            "ORDER BY 1",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        # A table with rows still waiting for their deferred foreign-key check (rows written
        # earlier in this transaction) cannot be altered: run those checks now, then give the
        # initially deferred constraints back their mode. Dropping a foreign key alters the table
        # it references too.
        cursor.execute(
            "SELECT conname, condeferred FROM pg_constraint WHERE contype = 'f' AND condeferrable "
            "AND conrelid IN (SELECT unnest(%s::regclass[]) UNION SELECT confrelid FROM "
            "pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])) ORDER BY 1",
            [list(tables), list(tables)],
        )
        deferrable = cursor.fetchall()
        if deferrable:
            names = ", ".join(quote(name) for name, _ in deferrable)
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
            deferred = ", ".join(quote(name) for name, initially in deferrable if initially)
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
        for name, table, _ in [*foreign_keys, *uniques]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, table, definition in uniques:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        for name, table, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
