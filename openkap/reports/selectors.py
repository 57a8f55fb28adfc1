"""The clinic's reports, computed by the database, and the raw exports they can be checked against.

Outcomes (per instrument, over patients with at least two administrations and a baseline above 0):
`patients`, `baseline_mean` (first administration), `latest_mean` (most recent),
`mean_percent_reduction` = 100 x (baseline_mean - latest_mean) / baseline_mean, `response_rate`
(share whose latest is at most their own baseline x (1 - the instrument's response reduction)) and
`remission_rate` (share whose latest meets the instrument's remission threshold). The response
reduction and remission threshold are each instrument's data (openkap/clinical/knowledge/instruments).

Safety (by route and protocol): `sessions` (dosing sessions whose dose was started) and, per
adverse-event term, `sessions_with_event` (sessions with at least one event of the term) and `rate`
(sessions_with_event / sessions).

Both are one SQL query each (window functions and aggregates), over the same filtered querysets the
exports use; Python only divides the sums. Dates are whole UTC days, `date_to` included. The
indication filter matches ICD-10-CM codes by prefix ("F43" takes F43.10 and F43.12).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from openkap.clinical import instruments
from openkap.dosing.models import DosingSession
from openkap.plans.models import TreatmentPlan
from openkap.safety.models import AdverseEvent
from openkap.screening.models import QuestionnaireResponse

QUESTIONNAIRE_COLUMNS = ("patient_id", "instrument", "administered_at", "total")
SESSION_COLUMNS = ("session_id", "patient_id", "route", "started_at", "adverse_events")
OUTCOME_COLUMNS = (
    "instrument",
    "patients",
    "baseline_mean",
    "latest_mean",
    "mean_percent_reduction",
    "response_rate",
    "remission_rate",
)
SAFETY_COLUMNS = ("route", "protocol", "sessions", "term", "sessions_with_event", "rate")


@dataclass(frozen=True)
class ReportFilters:
    """What a report or an export covers. `clinic_ids` None: every clinic (the command line)."""

    clinic_ids: tuple[int, ...] | None = None
    date_from: date | None = None
    date_to: date | None = None
    protocol: str = ""
    route: str = ""
    indication: str = ""

    def describe(self) -> dict[str, Any]:
        return {
            "clinic_ids": list(self.clinic_ids) if self.clinic_ids is not None else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "protocol": self.protocol or None,
            "route": self.route or None,
            "indication": self.indication or None,
        }

    def time_range(self, prefix: str) -> Q:
        query = Q()
        if self.date_from is not None:
            query &= Q(**{f"{prefix}__gte": datetime.combine(self.date_from, time(), tzinfo=UTC)})
        if self.date_to is not None:
            end = datetime.combine(self.date_to + timedelta(days=1), time(), tzinfo=UTC)
            query &= Q(**{f"{prefix}__lt": end})
        return query

    def plan_query(self, prefix: str) -> Q:
        query = Q()
        if self.protocol:
            query &= Q(**{f"{prefix}protocol_id": self.protocol})
        if self.route:
            query &= Q(**{f"{prefix}route": self.route})
        if self.indication:
            query &= Q(**{f"{prefix}indication_code__startswith": self.indication})
        return query


@dataclass(frozen=True)
class OutcomeRow:
    instrument: str
    name: str
    patients: int
    baseline_mean: float
    latest_mean: float
    mean_percent_reduction: float
    response_rate: float | None
    remission_rate: float | None
    remission_rule: str

    def as_dict(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in OUTCOME_COLUMNS}


@dataclass(frozen=True)
class TermRate:
    term: str
    sessions_with_event: int
    rate: float


@dataclass(frozen=True)
class SafetyGroup:
    route: str
    protocol: str
    sessions: int
    terms: tuple[TermRate, ...] = field(default=())

    @property
    def seen(self) -> tuple[TermRate, ...]:
        """The terms with at least one session in this group."""
        return tuple(term for term in self.terms if term.sessions_with_event)

    def as_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "protocol": self.protocol,
            "sessions": self.sessions,
            "terms": [
                {"term": t.term, "sessions_with_event": t.sessions_with_event, "rate": t.rate}
                for t in self.terms
            ],
        }


# --- The filtered rows ------------------------------------------------------------------------------


def questionnaires_filtered(filters: ReportFilters) -> QuerySet[QuestionnaireResponse]:
    """Scored questionnaires in the filters: the patient's clinic, completed in the dates, and (for
    protocol, route, indication) a plan of the patient's that matches."""
    queryset = QuestionnaireResponse.objects.filter(total__isnull=False).filter(
        filters.time_range("completed_at")
    )
    if filters.clinic_ids is not None:
        queryset = queryset.filter(patient__clinic_id__in=filters.clinic_ids)
    plan_query = filters.plan_query("")
    if plan_query:
        queryset = queryset.filter(
            patient_id__in=TreatmentPlan.objects.filter(plan_query).values("patient_id")
        )
    return queryset


def sessions_filtered(filters: ReportFilters) -> QuerySet[DosingSession]:
    """Dosing sessions whose dose was started, in the filters (dates: when the dose started)."""
    queryset = DosingSession.objects.filter(dose_started_at__isnull=False).filter(
        filters.time_range("dose_started_at")
    )
    if filters.clinic_ids is not None:
        queryset = queryset.filter(patient__clinic_id__in=filters.clinic_ids)
    if filters.protocol:
        queryset = queryset.filter(protocol_id=filters.protocol)
    if filters.route:
        queryset = queryset.filter(plan__route=filters.route)
    if filters.indication:
        queryset = queryset.filter(plan__indication_code__startswith=filters.indication)
    return queryset


# --- Outcomes ---------------------------------------------------------------------------------------


def outcomes_report(filters: ReportFilters) -> list[OutcomeRow]:
    """One row per instrument with at least one qualifying patient, in the instruments' order."""
    base_sql, base_params = (
        questionnaires_filtered(filters)
        .values_list("id", "patient_id", "instrument_id", "total", "completed_at")
        .query.sql_with_params()
    )
    known = {i: instruments.instrument(i) for i in instruments.instrument_ids()}
    response_sql, response_params = _response_case(known)
    remission_sql, remission_params = _remission_case(known)
    # Columns of the base query by position: id, patient_id, instrument_id, total, completed_at.
    sql = f"""
        WITH base (id, patient_id, instrument_id, total, completed_at) AS ({base_sql}),
        ranked AS (
            SELECT instrument_id, total,
                ROW_NUMBER() OVER w AS position,
                COUNT(*) OVER w AS administrations,
                LAST_VALUE(total) OVER w AS latest
            FROM base
            WINDOW w AS (
                PARTITION BY patient_id, instrument_id ORDER BY completed_at, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
        ),
        pairs AS (
            SELECT instrument_id, total AS baseline, latest FROM ranked
            WHERE position = 1 AND administrations >= 2 AND total > 0
        )
        SELECT instrument_id, COUNT(*), SUM(baseline), SUM(latest),
            SUM({response_sql}), SUM({remission_sql})
        FROM pairs GROUP BY instrument_id
    """  # noqa: S608 -- every value is a parameter; the SQL text is ours and Django's.
    with transaction.atomic(), connection.cursor() as cursor:
        _sort_memory(cursor)
        cursor.execute(sql, [*base_params, *response_params, *remission_params])
        results = cursor.fetchall()
    rows = []
    for instrument_id, patients, baseline_sum, latest_sum, responders, remitters in results:
        inst = known.get(instrument_id)
        baseline_mean = Fraction(int(baseline_sum), int(patients))
        latest_mean = Fraction(int(latest_sum), int(patients))
        rows.append(
            OutcomeRow(
                instrument=instrument_id,
                name=inst.abbreviation if inst else instrument_id,
                patients=int(patients),
                baseline_mean=float(baseline_mean),
                latest_mean=float(latest_mean),
                mean_percent_reduction=float(100 * (baseline_mean - latest_mean) / baseline_mean),
                response_rate=(
                    int(responders) / int(patients)
                    if inst and inst.response_fraction is not None
                    else None
                ),
                remission_rate=(
                    int(remitters) / int(patients) if inst and inst.remission is not None else None
                ),
                remission_rule=inst.remission.describe() if inst and inst.remission else "",
            )
        )
    order = {i: inst.order for i, inst in known.items()}
    return sorted(rows, key=lambda row: (order.get(row.instrument, 10_000), row.instrument))


def _response_case(known: dict[str, instruments.Instrument]) -> tuple[str, list[Any]]:
    """1 when latest <= baseline x (1 - the instrument's response reduction), compared in integers."""
    whens, params = [], []
    for instrument_id, inst in known.items():
        if inst.response_fraction is None:
            continue
        kept = 1 - inst.response_fraction
        whens.append("WHEN instrument_id = %s AND latest * %s <= baseline * %s THEN 1")
        params += [instrument_id, kept.denominator, kept.numerator]
    return f"CASE {' '.join(whens) or 'WHEN 1 = 0 THEN 1'} ELSE 0 END", params


def _remission_case(known: dict[str, instruments.Instrument]) -> tuple[str, list[Any]]:
    """1 when latest meets the instrument's remission threshold (below, or at most)."""
    whens, params = [], []
    for instrument_id, inst in known.items():
        if inst.remission is None:
            continue
        if inst.remission.below is not None:
            whens.append("WHEN instrument_id = %s AND latest < %s THEN 1")
            params += [instrument_id, inst.remission.below]
        else:
            whens.append("WHEN instrument_id = %s AND latest <= %s THEN 1")
            params += [instrument_id, inst.remission.at_most]
    return f"CASE {' '.join(whens) or 'WHEN 1 = 0 THEN 1'} ELSE 0 END", params


def _sort_memory(cursor: Any) -> None:
    """On PostgreSQL, let this transaction sort in memory (the window sorts every row)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")


# --- Safety -----------------------------------------------------------------------------------------


def safety_report(filters: ReportFilters) -> list[SafetyGroup]:
    """One group per route and protocol; in each, every term seen in the filtered sessions (0 where
    the group had none), most frequent overall first."""
    sessions_sql, sessions_params = (
        sessions_filtered(filters)
        .order_by()
        .values_list("id", "plan__route", "protocol_id")
        .query.sql_with_params()
    )
    events = connection.ops.quote_name(AdverseEvent._meta.db_table)
    # The distinct (session, term) pairs of the events in session order (on PostgreSQL read in
    # that order from the index on session and term), each marked when it is its session's first;
    # the filtered sessions are read once and joined to them. Per route, protocol and term: the
    # sessions with the term; per route and protocol: the sessions (those without any event, whose
    # term is NULL here, and each session with events once, on its first term).
    pairs = (
        f"SELECT DISTINCT ON (session_id, term) session_id, term FROM {events} "  # noqa: S608
        "WHERE session_id IS NOT NULL ORDER BY session_id, term"
        if connection.vendor == "postgresql"
        else f"SELECT session_id, term FROM {events} WHERE session_id IS NOT NULL "  # noqa: S608
        "GROUP BY session_id, term"
    )
    sql = f"""
        WITH s (id, route, protocol_id) AS ({sessions_sql}),
        e AS (
            SELECT session_id, term,
                CASE WHEN LAG(session_id) OVER (ORDER BY session_id, term) = session_id
                    THEN 0 ELSE 1 END AS first_of_session
            FROM ({pairs}) AS pairs
        )
        SELECT s.route, s.protocol_id, e.term, COUNT(*),
            SUM(CASE WHEN e.term IS NULL THEN 1 ELSE e.first_of_session END)
        FROM s LEFT JOIN e ON e.session_id = s.id
        GROUP BY s.route, s.protocol_id, e.term
    """  # noqa: S608 -- every value is a parameter; the SQL text is ours and Django's.
    with transaction.atomic(), connection.cursor() as cursor:
        _sort_memory(cursor)
        cursor.execute(sql, sessions_params)
        rows = cursor.fetchall()
    counts: dict[tuple[str, str], int] = {}
    with_event: dict[tuple[str, str], dict[str, int]] = {}
    totals: dict[str, int] = {}
    for route, protocol, term, n, sessions in rows:
        counts[(route, protocol)] = counts.get((route, protocol), 0) + int(sessions)
        if term is not None:
            with_event.setdefault((route, protocol), {})[term] = int(n)
            totals[term] = totals.get(term, 0) + int(n)
    terms = sorted(totals, key=lambda term: (-totals[term], term))
    return [
        SafetyGroup(
            route=route,
            protocol=protocol,
            sessions=count,
            terms=tuple(
                TermRate(
                    term=term,
                    sessions_with_event=with_event.get((route, protocol), {}).get(term, 0),
                    rate=with_event.get((route, protocol), {}).get(term, 0) / count,
                )
                for term in terms
            ),
        )
        for (route, protocol), count in sorted(counts.items())
    ]


def safety_rows(groups: Sequence[SafetyGroup]) -> Iterator[tuple[Any, ...]]:
    """The safety report as flat rows (SAFETY_COLUMNS): one per group and term; a group without
    any event has one row with an empty term."""
    for group in groups:
        if not group.terms:
            yield (group.route, group.protocol, group.sessions, "", 0, 0.0)
        for term in group.terms:
            yield (
                group.route,
                group.protocol,
                group.sessions,
                term.term,
                term.sessions_with_event,
                term.rate,
            )


# --- Raw exports ------------------------------------------------------------------------------------


def questionnaire_export_rows(filters: ReportFilters) -> Iterator[tuple[str, str, str, int]]:
    """QUESTIONNAIRE_COLUMNS: the patient's public id, the instrument id, when (ISO 8601, UTC), total."""
    rows = (
        questionnaires_filtered(filters)
        .order_by("patient_id", "instrument_id", "completed_at", "id")
        .values_list("patient__public_id", "instrument_id", "completed_at", "total")
    )
    for public_id, instrument_id, completed_at, total in rows.iterator(chunk_size=5000):
        assert total is not None  # the filter keeps scored rows only
        yield str(public_id), instrument_id, _iso(completed_at), total


def session_export_rows(filters: ReportFilters) -> Iterator[tuple[int, str, str, str, str]]:
    """SESSION_COLUMNS: the session's id, the patient's public id, the route, when the dose started
    (ISO 8601, UTC) and the distinct adverse-event terms linked to the session, joined by ";"."""
    sessions = sessions_filtered(filters)
    events = (
        AdverseEvent.objects.filter(session__in=sessions.values("id"))
        .order_by("session_id", "term")
        .values_list("session_id", "term")
        .distinct()
        .iterator(chunk_size=5000)
    )
    pending = next(events, None)
    rows = sessions.order_by("id").values_list(
        "id", "patient__public_id", "plan__route", "dose_started_at"
    )
    for session_id, public_id, route, started_at in rows.iterator(chunk_size=5000):
        terms = []
        while pending is not None and pending[0] <= session_id:
            if pending[0] == session_id:
                terms.append(pending[1])
            pending = next(events, None)
        yield session_id, str(public_id), route, _iso(started_at), ";".join(terms)


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment is not None else ""
