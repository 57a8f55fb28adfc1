"""On PostgreSQL, refuse at the database itself any change to a signed integration note, and any
change to an addendum (addenda are append-only)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION openkap_integration_refuse_signed_note() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed integration note is immutable: % refused; add an addendum', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION openkap_integration_refuse_addendum_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'addenda are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER integration_note_signed_immutable
    BEFORE UPDATE OR DELETE ON integration_integrationnote
    FOR EACH ROW EXECUTE FUNCTION openkap_integration_refuse_signed_note();
CREATE TRIGGER integration_addendum_append_only
    BEFORE UPDATE OR DELETE ON integration_integrationaddendum
    FOR EACH ROW EXECUTE FUNCTION openkap_integration_refuse_addendum_change();
"""

DROP = """
DROP TRIGGER IF EXISTS integration_note_signed_immutable ON integration_integrationnote;
DROP TRIGGER IF EXISTS integration_addendum_append_only ON integration_integrationaddendum;
DROP FUNCTION IF EXISTS openkap_integration_refuse_signed_note();
DROP FUNCTION IF EXISTS openkap_integration_refuse_addendum_change();
"""


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as is; with parameters psycopg would read RAISE's % as one.
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("integration", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
