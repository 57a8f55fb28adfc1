"""Reads for measurement-based care: the patient's assignments, their scores over time read by the
clinical core, the clinic's open suicide-risk alerts and the relapses awaiting a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from openkap.clinical import instruments, outcomes
from openkap.outcomes.models import MaintenanceDecision, QuestionnaireAssignment, SuicideRiskAlert
from openkap.patients.models import Patient
from openkap.screening.models import QuestionnaireResponse

# The portal shows questionnaires from this long before they are due...
OPEN_AHEAD = timedelta(days=2)
# ...until this long after (a missed one is not asked for ever).
OPEN_AFTER = timedelta(days=7)


def assignments_open_for_patient(patient: Patient) -> list[QuestionnaireAssignment]:
    now = timezone.now()
    return list(
        QuestionnaireAssignment.objects.filter(
            patient=patient,
            response__isnull=True,
            withdrawn_at__isnull=True,
            due_at__lte=now + OPEN_AHEAD,
            due_at__gte=now - OPEN_AFTER,
        ).order_by("due_at", "pk")
    )


def assignments_upcoming(patient: Patient, *, limit: int = 20) -> list[QuestionnaireAssignment]:
    return list(
        QuestionnaireAssignment.objects.filter(
            patient=patient, response__isnull=True, withdrawn_at__isnull=True
        )
        .filter(due_at__gte=timezone.now() - OPEN_AFTER)
        .order_by("due_at", "pk")[:limit]
    )


def open_alerts(clinic_id: int) -> list[SuicideRiskAlert]:
    return list(
        SuicideRiskAlert.objects.filter(clinic_id=clinic_id, acknowledged_at__isnull=True)
        .select_related("patient", "response")
        .order_by("raised_at")
    )


def open_alert_count(clinic_id: int) -> int:
    return SuicideRiskAlert.objects.filter(
        clinic_id=clinic_id, acknowledged_at__isnull=True
    ).count()


@dataclass(frozen=True)
class Series:
    instrument: instruments.Instrument
    responses: list[QuestionnaireResponse]
    trajectory: outcomes.Trajectory
    # The latest relapse without a maintenance decision after it, if any.
    relapse_pending: QuestionnaireResponse | None
    decisions: list[MaintenanceDecision]

    @property
    def table(self) -> list[tuple[QuestionnaireResponse, outcomes.Point]]:
        return list(zip(self.responses, self.trajectory.points, strict=True))

    @property
    def response_percent(self) -> int | None:
        fraction = self.instrument.response_fraction
        return None if fraction is None else round(fraction * 100)

    def chart_data(self) -> dict[str, Any]:
        inst = self.instrument
        low, high = inst.total_range
        remission = inst.remission
        return {
            "instrument": inst.abbreviation,
            "min": low,
            "max": high,
            "bands": [{"name": b.name, "min": b.min, "max": b.max} for b in inst.severity_bands],
            "baseline": self.trajectory.baseline,
            "response_at_most": (
                float(self.trajectory.response_at_most)
                if self.trajectory.response_at_most is not None
                else None
            ),
            "remission": (
                {
                    "text": remission.describe(),
                    "below": remission.below,
                    "at_most": remission.at_most,
                }
                if remission
                else None
            ),
            "points": [
                {
                    "x": r.completed_at.isoformat(),
                    "y": p.total,
                    "severity": p.severity,
                    "baseline": p.baseline,
                    "response": p.response,
                    "remission": p.remission,
                    "relapse": p.relapse,
                }
                for r, p in zip(self.responses, self.trajectory.points, strict=True)
            ],
        }


def patient_series(patient: Patient) -> list[Series]:
    """One series per instrument the patient has scores on, oldest score first."""
    responses = QuestionnaireResponse.objects.filter(patient=patient, total__isnull=False)
    decisions = MaintenanceDecision.objects.filter(patient=patient)
    return _series(
        list(responses.order_by("completed_at", "pk")),
        list(decisions.select_related("decided_by", "relapse_response")),
    )


def _series(
    responses: list[QuestionnaireResponse], decisions: list[MaintenanceDecision]
) -> list[Series]:
    """One patient's series from their responses (oldest first) and maintenance decisions."""
    by_instrument: dict[str, list[QuestionnaireResponse]] = {}
    known = set(instruments.instrument_ids())
    for response in responses:
        if response.instrument_id in known:
            by_instrument.setdefault(response.instrument_id, []).append(response)
    result = []
    for instrument_id, series in by_instrument.items():
        inst = instruments.instrument(instrument_id)
        if inst.screen is not None:
            continue  # a screen (ASQ) has a disposition, not a score over time
        path = outcomes.trajectory(instrument_id, [r.total or 0 for r in series])
        mine = [d for d in decisions if d.instrument_id == instrument_id]
        pending = None
        for response, point in zip(series, path.points, strict=True):
            if point.relapse:
                decided = any(
                    d.relapse_response.completed_at >= response.completed_at for d in mine
                )
                pending = None if decided else response
        result.append(Series(inst, series, path, pending, mine))
    result.sort(key=lambda s: s.instrument.order)
    return result


def relapses_pending(clinic_id: int) -> list[tuple[Patient, Series]]:
    """Patients of the clinic with a relapse awaiting a maintenance decision (scores in the last
    180 days). Three queries for the whole clinic; the relapse rule stays in the clinical core."""
    since = timezone.now() - timedelta(days=180)
    patients = {
        patient.pk: patient
        for patient in Patient.objects.filter(
            clinic_id=clinic_id, questionnaire_responses__completed_at__gte=since
        ).distinct()
    }
    responses: dict[int, list[QuestionnaireResponse]] = {pk: [] for pk in patients}
    for response in QuestionnaireResponse.objects.filter(
        patient_id__in=patients, total__isnull=False
    ).order_by("patient_id", "completed_at", "pk"):
        responses[response.patient_id].append(response)
    decisions: dict[int, list[MaintenanceDecision]] = {pk: [] for pk in patients}
    for decision in MaintenanceDecision.objects.filter(patient_id__in=patients).select_related(
        "decided_by", "relapse_response"
    ):
        decisions[decision.patient_id].append(decision)
    found = []
    for pk, patient in sorted(patients.items()):
        for series in _series(responses[pk], decisions[pk]):
            if series.relapse_pending is not None:
                found.append((patient, series))
    return found
