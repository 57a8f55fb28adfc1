"""Charting while others read the chart (the live part polls every few seconds) never deadlocks
(PostgreSQL). A save locks the session row, then writes its audit row; a read writes an audit row
that points at the patient. Locking the patient row for update as well once made the two wait for
each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from openkap.accounts.models import User
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import vitals

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]

ROUNDS = 15


def test_saves_and_reads_at_once_all_complete(
    started_session: DosingSession, nurse: User, prescriber: User
) -> None:
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def save() -> None:
        try:
            barrier.wait()
            for _ in range(ROUNDS):
                chart.chart_entry_add(
                    actor=nurse, session=started_session, entry=vitals(systolic=120, diastolic=70)
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    def read() -> None:
        try:
            barrier.wait()
            for _ in range(ROUNDS):
                with transaction.atomic():
                    audit_record(
                        action=Action.READ,
                        category=Category.DOSING,
                        actor=prescriber,
                        patient=started_session.patient,
                        object_type="patient",
                        object_id=started_session.patient_id,
                        detail={"view": "dosing_session_live"},
                    )
                    list(ChartEntry.objects.filter(session=started_session))
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert ChartEntry.objects.filter(session=started_session, kind="vitals").count() == ROUNDS
