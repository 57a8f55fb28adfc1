"""A signed chart cannot be changed, even by going around the services (PostgreSQL triggers)."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession, SessionAddendum, SessionStatus
from openkap.dosing.tests.conftest import vitals

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers"),
]


@pytest.fixture
def signed(started_session: DosingSession, nurse: User) -> DosingSession:
    chart.chart_entry_add(
        actor=nurse, session=started_session, entry=vitals(systolic=120, diastolic=70)
    )
    # Signed directly: this test is about the database, not about the discharge criteria.
    DosingSession.objects.filter(pk=started_session.pk).update(status=SessionStatus.DISCHARGED)
    started_session.refresh_from_db()
    return chart.dosing_sign(
        actor=nurse, session=started_session, expected_version=started_session.version
    )


def test_the_signed_session_row_cannot_be_updated(signed: DosingSession) -> None:
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        DosingSession.objects.filter(pk=signed.pk).update(agreed_signal="changed")


def test_an_entry_of_a_signed_session_cannot_be_changed_or_deleted(signed: DosingSession) -> None:
    entry = ChartEntry.objects.filter(session=signed, kind="vitals").get()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        ChartEntry.objects.filter(pk=entry.pk).update(systolic=99)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        ChartEntry.objects.filter(pk=entry.pk).delete()


def test_an_addendum_cannot_be_changed(signed: DosingSession, nurse: User) -> None:
    addendum = chart.dosing_addendum_add(actor=nurse, session=signed, reason="Late", text="Note")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SessionAddendum.objects.filter(pk=addendum.pk).update(text="rewritten")


def test_entries_of_an_unsigned_session_are_still_written(
    started_session: DosingSession, nurse: User
) -> None:
    entry = chart.chart_entry_add(
        actor=nurse,
        session=started_session,
        entry=chart.EntryInput(kind="note", client_id=uuid.uuid4(), text="Resting"),
    )
    assert entry.pk is not None
