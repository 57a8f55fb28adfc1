"""Adverse events and long-term check results on the chart's timeline (SAFETY_VIEW only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from openkap.accounts.permissions import Permission
from openkap.clinical.monitoring import monitoring_checks
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source
from openkap.safety.models import AdverseEvent, MonitoringResult
from openkap.safety.selectors import severity_labels, term_labels


@timeline_source(permission=Permission.SAFETY_VIEW)
def adverse_event_entries(patient: Patient) -> Iterable[TimelineEntry]:
    terms, grades = term_labels(), severity_labels()
    for event in AdverseEvent.objects.filter(patient=patient):
        serious = f" · SERIOUS: {event.serious_reason}" if event.serious else ""
        yield TimelineEntry(
            at=event.onset_at,
            kind="adverse_event",
            title=f"Adverse event: {terms.get(event.term, event.term)}",
            detail=f"{grades.get(event.severity, event.severity)} · "
            f"{event.get_source_display()} · {event.get_outcome_display()}{serious}",
        )


@timeline_source(permission=Permission.SAFETY_VIEW)
def monitoring_entries(patient: Patient) -> Iterable[TimelineEntry]:
    labels = {check.id: check.label for check in monitoring_checks()}
    zone = ZoneInfo(patient.clinic.timezone)
    for result in MonitoringResult.objects.filter(patient=patient):
        yield TimelineEntry(
            at=datetime.combine(result.performed_on, time(12), tzinfo=zone),
            kind="monitoring",
            title=f"{labels.get(result.check_id, result.check_id)}: {result.get_result_display()}",
            detail=result.value,
        )
