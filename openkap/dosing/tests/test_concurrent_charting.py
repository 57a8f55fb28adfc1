"""Two clinicians charting one session at once (PostgreSQL, real concurrent connections): every
entry of both is kept, and of two changes to the session's state made from the same page version
exactly one wins while the other is told, never silently overwritten."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import move_start_back, vitals

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]

PER_PERSON = 12


def test_both_clinicians_keep_every_entry(
    started_session: DosingSession, nurse: User, prescriber: User
) -> None:
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def chart_many(actor: User, systolic: int) -> None:
        try:
            barrier.wait()
            for _ in range(PER_PERSON):
                chart.chart_entry_add(
                    actor=actor,
                    session=started_session,
                    entry=vitals(systolic=systolic, diastolic=70),
                )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=chart_many, args=(nurse, 121)),
        threading.Thread(target=chart_many, args=(prescriber, 131)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    rows = ChartEntry.objects.filter(session=started_session, kind="vitals")
    assert rows.filter(entered_by=nurse, systolic=121).count() == PER_PERSON
    assert rows.filter(entered_by=prescriber, systolic=131).count() == PER_PERSON


def test_of_two_discharges_from_one_page_version_one_wins(
    started_session: DosingSession, nurse: User, prescriber: User
) -> None:
    chart.chart_entry_add(
        actor=nurse,
        session=started_session,
        entry=chart.EntryInput(kind="dose_end", client_id=uuid.uuid4()),
    )
    move_start_back(started_session, 180)
    chart.chart_entry_add(
        actor=nurse,
        session=started_session,
        entry=vitals(systolic=120, diastolic=75, heart_rate=70, spo2=98),
    )
    for kind, score in (("sedation", 5), ("dissociation", 0)):
        chart.chart_entry_add(
            actor=nurse,
            session=started_session,
            entry=chart.EntryInput(kind=kind, client_id=uuid.uuid4(), score=score),
        )
    started_session.refresh_from_db()
    version = started_session.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def discharge(actor: User, escort: str) -> None:
        try:
            barrier.wait()
            chart.dosing_discharge(
                actor=actor,
                session=started_session,
                alert_and_oriented=True,
                escort_name=escort,
                aftercare_given=True,
                expected_version=version,
            )
            outcomes.append(escort)
        except chart.ChartConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=discharge, args=(nurse, "Sam Driver")),
        threading.Thread(target=discharge, args=(prescriber, "Alex Driver")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("conflict") == 1
    winner = next(o for o in outcomes if o != "conflict")
    started_session.refresh_from_db()
    assert started_session.escort_present == winner
