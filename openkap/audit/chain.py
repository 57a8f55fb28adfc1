"""The audit hash chain: each row's HMAC-SHA256 covers its own fields and the previous row's hash.

An HMAC (keyed with a secret outside the database) rather than a bare hash, so that someone who can
write to the database cannot recompute a consistent chain after altering a row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from openkap.audit.models import GENESIS_HASH, AuditEvent


def _chain_key() -> bytes:
    configured = getattr(settings, "OPENKAP_AUDIT_CHAIN_KEY", None)
    secret = configured or settings.SECRET_KEY
    return hashlib.sha256(f"openkap-audit-chain:{secret}".encode()).digest()


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_fields(event: AuditEvent) -> dict[str, Any]:
    occurred: datetime = event.occurred_at
    return {
        "sequence": event.sequence,
        "occurred_at": occurred.isoformat(timespec="microseconds"),
        "user_id": event.user_id,
        "username": event.username,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "action": event.action,
        "category": event.category,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "request_id": event.request_id,
        "client_address": event.client_address,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    return hmac.new(_chain_key(), _canonical(row_fields(event)), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"audit row id={self.row_id} (sequence {self.sequence}): {self.reason}"


def find_first_break(events: Iterable[AuditEvent]) -> ChainBreak | None:
    """Walk rows in sequence order; return the first that does not continue the chain."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    previous_id = 0
    for event in events:
        if event.sequence != expected_sequence:
            reason = (
                f"expected sequence {expected_sequence}, found {event.sequence}: "
                "a row was removed or inserted"
            )
            return ChainBreak(event.pk, event.sequence, reason)
        if event.pk <= previous_id:
            return ChainBreak(event.pk, event.sequence, "row was inserted out of order")
        if event.prev_hash != previous_hash:
            return ChainBreak(event.pk, event.sequence, "does not link to the previous row's hash")
        if not hmac.compare_digest(event.hash, compute_hash(event)):
            return ChainBreak(event.pk, event.sequence, "contents do not match its hash (altered)")
        expected_sequence += 1
        previous_hash = event.hash
        previous_id = event.pk
    return None
