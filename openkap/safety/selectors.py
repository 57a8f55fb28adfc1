"""Safety reads, scoped to what the user may see: a patient's adverse events, the clinic's list with
filters, one event, and which long-term checks are due (for a patient and for the clinic)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, QuerySet

from openkap.accounts.models import Clinic
from openkap.clinical.monitoring import CheckDue, checks_due, monitoring_checks
from openkap.clinical.session import Term, severity_grades, side_effect_terms
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.safety.models import (
    AdverseEvent,
    EventSource,
    MonitoringCadence,
    MonitoringResult,
    ScreenResult,
)
from openkap.safety.services import OTHER_TERM

OTHER_LABEL = "Something else (described by the patient)"


def term_labels() -> dict[str, str]:
    return {term.id: term.label for term in side_effect_terms()} | {OTHER_TERM: OTHER_LABEL}


def severity_labels() -> dict[str, str]:
    return {grade.id: grade.label for grade in severity_grades()}


def terms_by_id() -> dict[str, Term]:
    return {term.id: term for term in side_effect_terms()}


def adverse_events_for_patient(patient: Patient) -> QuerySet[AdverseEvent]:
    return (
        AdverseEvent.objects.filter(patient=patient)
        .select_related("session__appointment", "reported_by")
        .order_by("-onset_at", "-pk")
    )


def adverse_event_for_patient(patient: Patient, event_id: int) -> AdverseEvent:
    """One event of this patient (DoesNotExist for another patient's: the address is checked)."""
    return AdverseEvent.objects.select_related("patient__clinic", "session").get(
        pk=event_id, patient=patient
    )


@dataclass(frozen=True)
class EventFilters:
    term: str = ""
    severity: str = ""
    source: str = ""
    serious: bool = False
    open_only: bool = False  # not yet resolved (outcome not resolved / sequelae / fatal)
    awaiting_review: bool = False  # reported by the patient, not yet saved by a clinician
    start: date | None = None
    end: date | None = None


def adverse_events_for_clinic(
    clinic: Clinic, filters: EventFilters, *, limit: int = 200
) -> list[AdverseEvent]:
    events = AdverseEvent.objects.filter(patient__clinic=clinic).select_related(
        "patient", "session__appointment", "reported_by"
    )
    if filters.term:
        events = events.filter(term=filters.term)
    if filters.severity:
        events = events.filter(severity=filters.severity)
    if filters.source:
        events = events.filter(source=filters.source)
    if filters.serious:
        events = events.filter(serious=True)
    if filters.awaiting_review:
        events = events.filter(source=EventSource.PATIENT, version=1)
    if filters.open_only:
        events = events.exclude(outcome__in=["resolved", "sequelae", "fatal"])
    zone = ZoneInfo(clinic.timezone)
    if filters.start is not None:
        events = events.filter(
            onset_at__gte=datetime.combine(filters.start, datetime.min.time(), tzinfo=zone)
        )
    if filters.end is not None:
        events = events.filter(
            onset_at__lt=datetime.combine(filters.end, datetime.max.time(), tzinfo=zone)
        )
    return list(events.order_by("-onset_at", "-pk")[:limit])


def sessions_for_patient(patient: Patient) -> QuerySet[DosingSession]:
    """The patient's sessions whose dose was started: an adverse event may follow one of them."""
    return (
        DosingSession.objects.filter(patient=patient, dose_started_at__isnull=False)
        .select_related("appointment")
        .order_by("-dose_started_at")
    )


# --- Long-term monitoring -------------------------------------------------------------------------


def clinic_intervals(clinic: Clinic) -> dict[str, int]:
    """The clinic's own interval per check (only those it set; the file's default otherwise)."""
    return dict(
        MonitoringCadence.objects.filter(clinic=clinic).values_list("check_id", "interval_days")
    )


def _last_done(patients: list[int]) -> dict[int, dict[str, date]]:
    """The last day each check was done, per patient (a "not done" entry does not count)."""
    rows = (
        MonitoringResult.objects.filter(patient_id__in=patients)
        .exclude(result=ScreenResult.NOT_DONE)
        .values("patient_id", "check_id")
        .annotate(last=Max("performed_on"))
    )
    known = {check.id for check in monitoring_checks()}
    out: dict[int, dict[str, date]] = {}
    for row in rows:
        if row["check_id"] in known:
            out.setdefault(row["patient_id"], {})[row["check_id"]] = row["last"]
    return out


def _first_doses(clinic: Clinic, patients: list[int] | None = None) -> dict[int, date]:
    zone = ZoneInfo(clinic.timezone)
    sessions = DosingSession.objects.filter(patient__clinic=clinic, dose_started_at__isnull=False)
    if patients is not None:
        sessions = sessions.filter(patient_id__in=patients)
    rows = sessions.values("patient_id").annotate(first=Min("dose_started_at"))
    return {row["patient_id"]: row["first"].astimezone(zone).date() for row in rows}


def monitoring_due_for_patient(patient: Patient, *, today: date) -> tuple[CheckDue, ...]:
    first = _first_doses(patient.clinic, [patient.pk]).get(patient.pk)
    last: Mapping[str, date | None] = _last_done([patient.pk]).get(patient.pk, {})
    return checks_due(
        first_dose_on=first,
        last_done=last,
        today=today,
        intervals=clinic_intervals(patient.clinic),
    )


def monitoring_results_for_patient(patient: Patient) -> QuerySet[MonitoringResult]:
    return (
        MonitoringResult.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-performed_on", "-pk")
    )


@dataclass(frozen=True)
class DueRow:
    patient: Patient
    due: CheckDue

    @property
    def is_due(self) -> bool:
        return self.due.status in ("due", "overdue")


def monitoring_due_for_clinic(clinic: Clinic, *, today: date) -> list[DueRow]:
    """Every check of every patient on repeated dosing at the clinic (first dose given), most
    overdue first. Three queries, whatever the number of patients."""
    first = _first_doses(clinic)
    patients = Patient.objects.in_bulk(list(first))
    last = _last_done(list(first))
    intervals = clinic_intervals(clinic)
    rows = [
        DueRow(patient=patients[patient_id], due=due)
        for patient_id, first_on in first.items()
        for due in checks_due(
            first_dose_on=first_on,
            last_done=last.get(patient_id, {}),
            today=today,
            intervals=intervals,
        )
    ]
    return sorted(rows, key=lambda row: (row.due.due_on, row.patient.pk, row.due.check.id))
