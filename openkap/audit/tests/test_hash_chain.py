"""`openkap audit verify`: passes on an intact chain, names the first bad row of a tampered one."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from openkap.accounts.models import Role
from openkap.audit.chain import compute_hash
from openkap.audit.context import RequestContext, reset_request_context, set_request_context
from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.services import audit_record

pytestmark = pytest.mark.django_db

TRIGGER = "audit_auditevent_append_only"


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger refuses this; a database owner could switch it off first.
            # ALTER TABLE refuses to run while the transaction has deferred foreign-key checks
            # pending (this test's inserts): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        try:
            cursor.execute(sql, params)
            assert cursor.rowcount == 1
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def assert_verify_names(row_id: int) -> None:
    with pytest.raises(CommandError) as raised:
        verify()
    assert re.search(rf"\bid={row_id}\b", str(raised.value)), str(raised.value)


@pytest.fixture
def chain(clinic, make_staff, patient) -> list[AuditEvent]:
    """Five rows written the way the application writes them, some inside a request."""
    nurse = make_staff("nina", clinic, Role.NURSE)
    token = set_request_context(RequestContext(uuid.uuid4().hex, "203.0.113.9"))
    try:
        audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=nurse)
        audit_record(
            action=Action.READ,
            category=Category.DEMOGRAPHICS,
            actor=nurse,
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
            detail={"view": "chart"},
        )
        audit_record(
            action=Action.UPDATE,
            category=Category.DEMOGRAPHICS,
            actor=nurse,
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
            detail={"fields": ["phone"], "version": 2},
        )
    finally:
        reset_request_context(token)
    audit_record(
        action=Action.LOGIN_FAILED, category=Category.ACCOUNT, actor=None, username="mallory"
    )
    audit_record(
        action=Action.READ,
        category=Category.PATIENT_LIST,
        actor=nurse,
        clinic=clinic,
        detail={"results": 1},
    )
    return list(AuditEvent.objects.order_by("sequence"))


def test_it_passes_an_intact_chain(chain):
    output = verify()
    assert f"{len(chain)} rows verified" in output


def test_it_passes_an_empty_trail(db):
    assert "0 rows verified" in verify()


ALTERATIONS: dict[str, Callable[[AuditEvent], object]] = {
    "action": lambda row: Action.DELETE,
    "username": lambda row: "someone-else",
    "detail": lambda row: json.dumps({"view": "nothing to see"}),
    "occurred_at": lambda row: connection.ops.adapt_datetimefield_value(
        row.occurred_at + timedelta(seconds=1)
    ),
    "object_id": lambda row: "999999",
    "prev_hash": lambda row: "f" * 64,
    "hash": lambda row: hashlib.sha256(b"forged").hexdigest(),
}


@pytest.mark.parametrize("column", ALTERATIONS)
@pytest.mark.parametrize("position", [0, 2, 4], ids=["first", "middle", "last"])
def test_it_rejects_a_row_altered_in_the_database(chain, column, position):
    row = chain[position]
    sql = f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s"  # noqa: S608  (fixed names)
    tamper(sql, [ALTERATIONS[column](row), row.pk])
    assert_verify_names(row.pk)


@pytest.mark.parametrize("position", [0, 2], ids=["first", "middle"])
def test_it_rejects_a_deleted_row(chain, position):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[position].pk])
    # The first row that no longer continues the chain is the one after the gap.
    assert_verify_names(chain[position + 1].pk)


def _forge(*, sequence: int, prev_hash: str, keyed: bool, **fields: object) -> AuditEvent:
    """Insert a row directly, as an intruder would: with or without knowledge of the chain key."""
    event = AuditEvent(
        sequence=sequence,
        occurred_at=AuditEvent.objects.latest("sequence").occurred_at,
        action=Action.READ,
        category=Category.DEMOGRAPHICS,
        username="intruder",
        prev_hash=prev_hash,
        **fields,
    )
    if keyed:
        event.hash = compute_hash(event)
    else:
        payload = f"{sequence}{prev_hash}{event.username}".encode()
        event.hash = hashlib.sha256(payload).hexdigest()
    event.save(force_insert=True)
    return event


def test_it_rejects_a_forged_row_put_in_place_of_a_deleted_one(chain):
    gone = chain[2]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [gone.pk])
    forged = _forge(sequence=gone.sequence, prev_hash=chain[1].hash, keyed=False)
    assert_verify_names(forged.pk)


def test_it_rejects_a_row_appended_without_the_chain_key(chain):
    forged = _forge(sequence=chain[-1].sequence + 1, prev_hash=chain[-1].hash, keyed=False)
    assert_verify_names(forged.pk)


def test_it_rejects_an_appended_row_that_links_to_the_wrong_row(chain):
    # Even with the key, a row must name the hash of the row right before it.
    forged = _forge(sequence=chain[-1].sequence + 1, prev_hash=chain[1].hash, keyed=True)
    assert_verify_names(forged.pk)


def test_it_rejects_a_row_with_a_sequence_out_of_place(chain):
    forged = _forge(sequence=chain[-1].sequence + 2, prev_hash=chain[-1].hash, keyed=True)
    assert_verify_names(forged.pk)


# --- The command line, as an operator runs it --------------------------------------------------------


def _openkap(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "openkap", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_it_exits_non_zero_naming_the_row_when_run_from_the_command_line(tmp_path):
    database = tmp_path / "openkap.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openkap.config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "OPENKAP_DATA_DIR": str(tmp_path),
        "OPENKAP_SECRET_KEY": "command-line-test-key-" + "x" * 40,
    }
    for step in (("migrate", "--noinput", "-v", "0"), ("demo",)):
        done = _openkap(*step, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr

    intact = _openkap("audit", "verify", env=env, cwd=tmp_path)
    assert intact.returncode == 0, intact.stderr
    assert "rows verified" in intact.stdout

    with sqlite3.connect(database) as db:
        count = db.execute("SELECT COUNT(*) FROM audit_auditevent").fetchone()[0]
        assert count > 10  # the demo writes its registrations through the audit trail
        (row_id,) = db.execute(
            "SELECT id FROM audit_auditevent ORDER BY sequence LIMIT 1 OFFSET ?",
            [count // 2],
        ).fetchone()
        db.execute("UPDATE audit_auditevent SET action = 'delete' WHERE id = ?", [row_id])

    broken = _openkap("audit", "verify", env=env, cwd=tmp_path)
    assert broken.returncode != 0
    assert re.search(rf"\bid={row_id}\b", broken.stderr), broken.stderr
