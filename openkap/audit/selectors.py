from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from openkap.accounts.models import Membership
from openkap.audit.chain import ChainBreak, find_first_break
from openkap.audit.models import AuditEvent

SORTABLE_COLUMNS = {
    "occurred_at": "occurred_at",
    "user": "username",
    "patient": "patient__mrn",
    "action": "action",
    "category": "category",
    "address": "client_address",
}


@dataclass(frozen=True)
class AuditFilter:
    date_from: date | None = None
    date_to: date | None = None
    user_id: int | None = None
    patient_id: int | None = None
    action: str = ""
    sort: str = "occurred_at"
    descending: bool = True


def audit_event_list(*, clinic_id: int, filters: AuditFilter) -> QuerySet[AuditEvent]:
    # A clinic's report holds its own events and the clinic-less account events (sign-ins, time-outs)
    # of the people who work there.
    staff_ids = Membership.objects.filter(clinic_id=clinic_id).values("user_id")
    events = AuditEvent.objects.filter(
        Q(clinic_id=clinic_id) | Q(clinic__isnull=True, user_id__in=staff_ids)
    ).select_related("patient", "user")
    tz = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tz)
        events = events.filter(occurred_at__lt=end)
    if filters.user_id:
        events = events.filter(user_id=filters.user_id)
    if filters.patient_id:
        events = events.filter(patient_id=filters.patient_id)
    if filters.action:
        events = events.filter(action=filters.action)
    column = SORTABLE_COLUMNS.get(filters.sort, "occurred_at")
    prefix = "-" if filters.descending else ""
    return events.order_by(f"{prefix}{column}", f"{prefix}sequence")


def _events_in_chain_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000)


def audit_chain_verify() -> tuple[int, ChainBreak | None]:
    """Return how many rows there are and the first break in the chain, if any."""
    return AuditEvent.objects.count(), find_first_break(_events_in_chain_order())


@dataclass(frozen=True)
class ChainHead:
    """The newest row's sequence and hash, kept outside the database by `audit verify --anchor`.

    The chain alone cannot show that its newest rows were removed; a head recorded earlier can: that
    row must still be there, with the same hash."""

    sequence: int
    hash: str


def audit_chain_head() -> ChainHead | None:
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    return ChainHead(last.sequence, last.hash) if last else None


def audit_anchor_problem(anchor: ChainHead) -> str | None:
    row = AuditEvent.objects.filter(sequence=anchor.sequence).only("pk", "hash").first()
    if row is None:
        return (
            f"row with sequence {anchor.sequence}, present at the last verification, is gone: "
            "the newest rows were removed"
        )
    if row.hash != anchor.hash:
        return (
            f"audit row id={row.pk} (sequence {anchor.sequence}) differs from the last verification"
        )
    return None
