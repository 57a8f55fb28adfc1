"""On PostgreSQL a statement trigger refuses TRUNCATE of the audit table (migration 0003).

The test database is built with OPENKAP_AUDIT_ALLOW_TRUNCATE (pytest-django's transactional tests
TRUNCATE every table), so each test here creates the trigger inside its own rolled-back transaction."""

from __future__ import annotations

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
    ),
]

migration = importlib.import_module("openkap.audit.migrations.0003_refuse_truncate")


def test_it_refuses_to_truncate_the_audit_table(settings):
    audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=None, username="x")
    settings.OPENKAP_AUDIT_ALLOW_TRUNCATE = False
    with connection.schema_editor() as editor:
        migration.create_trigger(None, editor)
    refused = pytest.raises(DatabaseError, match="append-only: TRUNCATE refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        # Inside the test's transaction the row's deferred foreign-key checks are still pending,
        # and PostgreSQL would refuse TRUNCATE for that reason instead of reaching the trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(username="x").exists()
