"""Integration notes on the chart's timeline: the note, its signature, its addenda. Psychotherapy
notes are never here: they are not part of the chart."""

from __future__ import annotations

from collections.abc import Iterable

from openkap.accounts.permissions import Permission
from openkap.integration.selectors import integration_notes_of
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source


@timeline_source(permission=Permission.INTEGRATION_VIEW)
def integration_entries(patient: Patient) -> Iterable[TimelineEntry]:
    for note in integration_notes_of(patient):
        label = note.appointment.label
        yield TimelineEntry(
            at=note.created_at,
            kind="integration",
            title=f"Integration note: {label}",
            detail=note.themes,
        )
        if note.signed_at is not None and note.signed_by is not None:
            yield TimelineEntry(
                at=note.signed_at,
                kind="integration",
                title=f"Integration note signed: {label}",
                detail=note.signed_by.display_name(),
            )
        for addendum in note.addenda.all():
            yield TimelineEntry(
                at=addendum.written_at,
                kind="integration",
                title=f"Addendum to the integration note: {label}",
                detail=f"reason: {addendum.reason}",
            )
