"""On PostgreSQL, refuse at the database itself any change to a signed session chart: the session
row once signed, the entries of a signed session, and every addendum (addenda are append-only)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION openkap_dosing_refuse_signed_session() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed session chart is immutable: % refused; add an addendum', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION openkap_dosing_refuse_signed_entry() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM dosing_dosingsession s WHERE s.id = OLD.session_id
               AND s.status = 'signed') THEN
        RAISE EXCEPTION 'entries of a signed session chart are immutable: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION openkap_dosing_refuse_addendum_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'addenda are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dosing_session_signed_immutable
    BEFORE UPDATE OR DELETE ON dosing_dosingsession
    FOR EACH ROW EXECUTE FUNCTION openkap_dosing_refuse_signed_session();
CREATE TRIGGER dosing_entry_signed_immutable
    BEFORE UPDATE OR DELETE ON dosing_chartentry
    FOR EACH ROW EXECUTE FUNCTION openkap_dosing_refuse_signed_entry();
CREATE TRIGGER dosing_addendum_append_only
    BEFORE UPDATE OR DELETE ON dosing_sessionaddendum
    FOR EACH ROW EXECUTE FUNCTION openkap_dosing_refuse_addendum_change();
"""

DROP = """
DROP TRIGGER IF EXISTS dosing_session_signed_immutable ON dosing_dosingsession;
DROP TRIGGER IF EXISTS dosing_entry_signed_immutable ON dosing_chartentry;
DROP TRIGGER IF EXISTS dosing_addendum_append_only ON dosing_sessionaddendum;
DROP FUNCTION IF EXISTS openkap_dosing_refuse_signed_session();
DROP FUNCTION IF EXISTS openkap_dosing_refuse_signed_entry();
DROP FUNCTION IF EXISTS openkap_dosing_refuse_addendum_change();
"""


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as is; with parameters psycopg would read RAISE's % as one.
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("dosing", "0002_session_chart")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
