"""On PostgreSQL, `openkap synth` sets foreign keys, unique constraints and secondary indexes aside
for its load: it must put every one back as it was, and a row that breaks one must fail the load."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from openkap.reports.synth import MODELS, _bulk_load

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TABLES = [model._meta.db_table for model in MODELS]


def _schema() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) UNION ALL "
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [TABLES, TABLES],
        )
        return set(cursor.fetchall())


def _insert_an_event_of_no_patient() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO safety_adverseevent (patient_id, session_id, source, term, severity, "
            "serious, serious_reason, outcome, onset_at, description, reported_at, version) "
            "VALUES (987654321, NULL, 'patient', 'nausea', 'mild', false, '', 'unknown', "
            "now(), '', now(), 1)"
        )


def test_it_puts_back_every_constraint_and_index_it_set_aside():
    before = _schema()
    assert any("FOREIGN KEY" in definition for _, _, definition in before)

    call_command("synth", "--patients", "20", "--seed", "31", stdout=io.StringIO())

    assert _schema() == before


def test_a_row_that_breaks_a_foreign_key_fails_the_whole_load():
    before = _schema()

    with pytest.raises(IntegrityError), transaction.atomic(), _bulk_load(TABLES):
        _insert_an_event_of_no_patient()

    assert _schema() == before
