"""On PostgreSQL, refuse UPDATE and DELETE of ledger entries at the database itself."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION openkap_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the controlled-substance ledger is append-only: % refused on %',
        TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON inventory_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION openkap_ledger_refuse_change();
CREATE TRIGGER inventory_refuseddraw_append_only
    BEFORE UPDATE OR DELETE ON inventory_refuseddraw
    FOR EACH ROW EXECUTE FUNCTION openkap_ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS inventory_ledgerentry_append_only ON inventory_ledgerentry;
DROP TRIGGER IF EXISTS inventory_refuseddraw_append_only ON inventory_refuseddraw;
DROP FUNCTION IF EXISTS openkap_ledger_refuse_change();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as is; with parameters psycopg would read RAISE's % as one.
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
