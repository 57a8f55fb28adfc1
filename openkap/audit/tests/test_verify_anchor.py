"""`openkap audit verify --anchor FILE` catches what the chain alone cannot: removed newest rows."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [
        audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=None, username=f"u{i}")
        for i in range(n)
    ]


def _delete_rows_from(sequence: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
            )
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence >= %s", [sequence])


def test_it_records_the_newest_row_in_the_anchor(tmp_path):
    events = _append(3)
    anchor = tmp_path / "audit.anchor"
    call_command("audit", "verify", "--anchor", str(anchor))
    assert json.loads(anchor.read_text()) == {
        "sequence": events[-1].sequence,
        "hash": events[-1].hash,
    }


def test_it_passes_when_rows_were_only_added_since(tmp_path):
    _append(2)
    anchor = tmp_path / "audit.anchor"
    call_command("audit", "verify", "--anchor", str(anchor))
    newer = _append(2)
    call_command("audit", "verify", "--anchor", str(anchor))
    assert json.loads(anchor.read_text())["sequence"] == newer[-1].sequence


def test_it_fails_when_the_newest_rows_were_removed(tmp_path):
    events = _append(4)
    anchor = tmp_path / "audit.anchor"
    call_command("audit", "verify", "--anchor", str(anchor))
    _delete_rows_from(events[2].sequence)
    # The remaining chain is internally consistent: without the anchor nothing is noticed.
    call_command("audit", "verify")
    with pytest.raises(CommandError, match=f"sequence {events[3].sequence}.*removed"):
        call_command("audit", "verify", "--anchor", str(anchor))


def test_it_rejects_a_file_that_is_not_an_anchor(tmp_path):
    _append(1)
    anchor = tmp_path / "audit.anchor"
    anchor.write_text("not json")
    with pytest.raises(CommandError, match="--anchor"):
        call_command("audit", "verify", "--anchor", str(anchor))
