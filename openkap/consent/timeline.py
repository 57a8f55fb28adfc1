"""Consent on the chart's timeline: signatures, withdrawals, and versions that call for re-consent."""

from __future__ import annotations

from collections.abc import Iterable

from openkap.consent.models import ConsentDocument, ConsentWithdrawal, SignedConsent
from openkap.consent.selectors import consent_status
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source


@timeline_source
def consent_entries(patient: Patient) -> Iterable[TimelineEntry]:
    for signed in SignedConsent.objects.filter(patient=patient).select_related("witness"):
        how = (
            f"on a clinic tablet, witnessed by {signed.witness.display_name()}"
            if signed.witness
            else "in the patient portal"
        )
        yield TimelineEntry(
            at=signed.signed_at,
            kind="consent",
            title=f"Consent signed: {signed.title} (v{signed.version})",
            detail=how,
        )
    for withdrawal in ConsentWithdrawal.objects.filter(
        signed_consent__patient=patient
    ).select_related("signed_consent"):
        yield TimelineEntry(
            at=withdrawal.withdrawn_at,
            kind="consent",
            title=f"Consent withdrawn: {withdrawal.signed_consent.title}",
            detail=withdrawal.reason,
        )
    for status in consent_status(patient).values():
        if status.state == "outdated" and status.document is not None:
            document: ConsentDocument = status.document
            yield TimelineEntry(
                at=document.published_at,
                kind="consent",
                title=f"Re-consent needed: {document.title} (v{document.version} published)",
                detail=document.change_summary,
            )
