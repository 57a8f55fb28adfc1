"""Screenings on the chart's timeline: each evaluation of a draft, each signature, each addendum."""

from __future__ import annotations

from collections.abc import Iterable

from openkap.accounts.permissions import Permission
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source
from openkap.screening.models import Decision, Screening, ScreeningAddendum, ScreeningStatus


def _label(decision: str) -> str:
    return str(Decision(decision).label) if decision in Decision.values else decision


@timeline_source(permission=Permission.SCREENING_VIEW)
def screening_entries(patient: Patient) -> Iterable[TimelineEntry]:
    for screening in Screening.objects.filter(patient=patient).order_by("created_at"):
        if screening.status == ScreeningStatus.DRAFT:
            yield TimelineEntry(
                at=screening.evaluated_at,
                kind="screening",
                title="Screening evaluated (draft, awaiting the prescriber)",
                detail=f"engine: {_label(screening.engine_decision)}; "
                f"rule pack {screening.rule_pack}",
            )
            continue
        assert screening.signed_at is not None
        how = "overridden" if screening.overridden else "confirmed"
        yield TimelineEntry(
            at=screening.signed_at,
            kind="screening",
            title=f"Screening signed: {_label(screening.final_decision)}",
            detail=f"engine {_label(screening.engine_decision)}, {how}; "
            f"rule pack {screening.rule_pack}",
        )
    for addendum in ScreeningAddendum.objects.filter(screening__patient=patient):
        yield TimelineEntry(
            at=addendum.signed_at,
            kind="screening",
            title="Screening addendum",
            detail=f"reason: {addendum.reason}",
        )
