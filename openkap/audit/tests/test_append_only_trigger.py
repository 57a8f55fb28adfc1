"""On PostgreSQL the database itself refuses to change or remove an audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only trigger exists on PostgreSQL only",
    ),
]

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(db) -> AuditEvent:
    audit_record(action=Action.LOGIN_FAILED, category=Category.ACCOUNT, actor=None, username="x")
    return audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=None, username="y")


def _refused(sql: str, params: list[Any], operation: str) -> None:
    refused = pytest.raises(DatabaseError, match=rf"append-only: {operation} refused on {TABLE}")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_rejects_an_update_of_an_audit_row(event):
    _refused(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["delete", event.pk], "UPDATE"
    )
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert event_after.action == Action.LOGIN
    assert event_after.hash == event.hash


def test_it_rejects_an_update_of_every_audit_row_at_once(event):
    _refused("UPDATE audit_auditevent SET username = %s", ["nobody"], "UPDATE")
    assert set(AuditEvent.objects.values_list("username", flat=True)) == {"x", "y"}


def test_it_rejects_a_delete_of_an_audit_row(event):
    _refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk], "DELETE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_rejects_changes_made_through_the_orm(event):
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "y"


def test_it_still_appends_rows(event):
    after = audit_record(action=Action.LOGOUT, category=Category.ACCOUNT, actor=None, username="y")
    assert after.sequence == event.sequence + 1
    assert AuditEvent.objects.count() == 3
