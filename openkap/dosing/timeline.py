"""Dosing sessions on the chart's timeline: the dose given, the discharge, the signature, addenda."""

from __future__ import annotations

from collections.abc import Iterable

from openkap.accounts.permissions import Permission
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source


@timeline_source(permission=Permission.DOSING_VIEW)
def session_entries(patient: Patient) -> Iterable[TimelineEntry]:
    sessions = (
        DosingSession.objects.filter(patient=patient, dose_started_at__isnull=False)
        .select_related("appointment", "signed_by")
        .prefetch_related("addenda")
    )
    for session in sessions:
        label = session.appointment.label
        assert session.dose_started_at is not None  # filtered above
        yield TimelineEntry(
            at=session.dose_started_at,
            kind="session",
            title=f"Dosing session: {label}",
            detail=f"{session.dose_mg.normalize():f} mg ({session.protocol_id})"
            if session.dose_mg is not None
            else session.protocol_id,
        )
        if session.discharged_at is not None:
            yield TimelineEntry(
                at=session.discharged_at,
                kind="session",
                title=f"Discharged after {label}",
                detail=f"escort: {session.escort_present}",
            )
        if session.signed_at is not None and session.signed_by is not None:
            yield TimelineEntry(
                at=session.signed_at,
                kind="session",
                title=f"Session chart signed: {label}",
                detail=session.signed_by.display_name(),
            )
        for addendum in session.addenda.all():
            yield TimelineEntry(
                at=addendum.written_at,
                kind="session",
                title=f"Addendum to {label}",
                detail=f"reason: {addendum.reason}",
            )
