"""On PostgreSQL, refuse TRUNCATE on the audit table too (a row trigger does not see TRUNCATE).

The test settings set OPENKAP_AUDIT_ALLOW_TRUNCATE, because pytest-django's transactional tests (the
browser tests' live server) empty every table with TRUNCATE between tests. The trigger's own test
creates it from TRUNCATE_TRIGGER below and checks that it refuses."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRUNCATE_TRIGGER = """
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION openkap_audit_refuse_change();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql" and not getattr(
        settings, "OPENKAP_AUDIT_ALLOW_TRUNCATE", False
    ):
        schema_editor.execute(TRUNCATE_TRIGGER, params=None)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
