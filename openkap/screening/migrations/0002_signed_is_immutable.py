"""A signed screening and its addenda are never changed: the database itself refuses an UPDATE of a
signed screening and any UPDATE of an addendum (PostgreSQL and SQLite), and their DELETE (PostgreSQL;
SQLite test runs empty tables with DELETE between tests, PostgreSQL ones with TRUNCATE)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "signed screenings and their addenda are immutable"

PG = f"""
CREATE OR REPLACE FUNCTION openkap_screening_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER screening_screening_signed_immutable
    BEFORE UPDATE OR DELETE ON screening_screening
    FOR EACH ROW WHEN (OLD.status = 'signed')
    EXECUTE FUNCTION openkap_screening_refuse_change();
CREATE TRIGGER screening_screeningaddendum_immutable
    BEFORE UPDATE OR DELETE ON screening_screeningaddendum
    FOR EACH ROW EXECUTE FUNCTION openkap_screening_refuse_change();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS screening_screening_signed_immutable ON screening_screening;
DROP TRIGGER IF EXISTS screening_screeningaddendum_immutable ON screening_screeningaddendum;
DROP FUNCTION IF EXISTS openkap_screening_refuse_change();
"""

SQLITE = (
    "CREATE TRIGGER screening_screening_signed_immutable BEFORE UPDATE ON screening_screening "
    f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused on "
    "screening_screening'); END;",
    "CREATE TRIGGER screening_screeningaddendum_immutable BEFORE UPDATE ON "
    f"screening_screeningaddendum BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused on "
    "screening_screeningaddendum'); END;",
)

SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS screening_screening_signed_immutable;",
    "DROP TRIGGER IF EXISTS screening_screeningaddendum_immutable;",
)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: sent as is; with parameters psycopg would read RAISE's % as one.
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
