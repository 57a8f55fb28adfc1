"""Writing the audit trail. Every state change and every read of patient data calls audit_record
inside the same transaction as the change, so either both are saved or neither is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from openkap.audit.chain import compute_hash
from openkap.audit.context import current_request_context
from openkap.audit.models import GENESIS_HASH, Action, AuditEvent, Category

if TYPE_CHECKING:
    from openkap.accounts.models import Clinic, User
    from openkap.patients.models import Patient

# Any constant will do: it names the one lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x0A0D17


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: the project opens every transaction with BEGIN IMMEDIATE, so writers are already serial.


def audit_record(
    *,
    action: Action,
    category: Category,
    actor: User | None,
    clinic: Clinic | None = None,
    patient: Patient | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one row to the chain. Fails loudly rather than letting an unaudited action through."""
    context = current_request_context()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
        event = AuditEvent(
            sequence=(last.sequence + 1) if last else 1,
            occurred_at=timezone.now(),
            user=actor,
            username=actor.get_username() if actor else username,
            clinic=clinic if clinic is not None else (patient.clinic if patient else None),
            patient=patient,
            action=action,
            category=category,
            object_type=object_type,
            object_id=str(object_id),
            request_id=context.request_id if context else "",
            client_address=context.client_address if context else None,
            detail=detail or {},
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        # The hash covers the stored form of each field, so round-trip the timestamp's precision.
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event
