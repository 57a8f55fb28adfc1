"""Dosing starts by drawing the confirmed dose from its lot in the controlled-substance ledger."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.dosing.tests.conftest import PASSWORD
from openkap.inventory.models import EntryKind, LedgerEntry, Lot
from openkap.inventory.services import lot_balance

pytestmark = pytest.mark.django_db


def start(session: DosingSession, actor: User, client_id: uuid.UUID, **kw: object) -> DosingSession:
    fields: dict[str, object] = {
        "observed_at": None,
        "wasted_mg": Decimal(0),
        "witness": None,
        "witness_password": "",
        "request": None,
    }
    fields.update(kw)
    return chart.dosing_start(
        actor=actor,
        session=session,
        client_id=client_id,
        expected_version=session.version,
        **fields,  # type: ignore[arg-type]
    )


def test_it_records_the_administration_and_starts_the_clock(
    confirmed_session: DosingSession, nurse: User, ketamine_lot: Lot
) -> None:
    session = start(confirmed_session, nurse, uuid.uuid4())
    assert session.status == SessionStatus.IN_PROGRESS
    assert session.dose_started_at is not None
    # 1,000 mg received, 40 mg given.
    assert lot_balance(ketamine_lot) == Decimal(960)
    assert session.ledger_entry is not None
    assert session.ledger_entry.kind == EntryKind.ADMINISTRATION
    assert session.ledger_entry.session_ref == session.session_ref
    assert ChartEntry.objects.filter(session=session, kind="dose_start").count() == 1


def test_a_retried_start_draws_once(
    confirmed_session: DosingSession, nurse: User, ketamine_lot: Lot
) -> None:
    client_id = uuid.uuid4()
    start(confirmed_session, nurse, client_id)
    start(confirmed_session, nurse, client_id)
    assert lot_balance(ketamine_lot) == Decimal(960)
    assert LedgerEntry.objects.filter(kind=EntryKind.ADMINISTRATION).count() == 1


def test_it_refuses_before_the_dose_is_confirmed(ready_session: DosingSession, nurse: User) -> None:
    with pytest.raises(ValidationError, match="confirms the dose"):
        start(ready_session, nurse, uuid.uuid4())


def test_waste_needs_a_witness_and_then_both_are_recorded(
    confirmed_session: DosingSession, nurse: User, prescriber: User, ketamine_lot: Lot
) -> None:
    with pytest.raises(ValidationError):
        start(confirmed_session, nurse, uuid.uuid4(), wasted_mg=Decimal(10))
    assert lot_balance(ketamine_lot) == Decimal(1000)
    start(
        confirmed_session,
        nurse,
        uuid.uuid4(),
        wasted_mg=Decimal(10),
        witness=prescriber,
        witness_password=PASSWORD,
    )
    # 1,000 - 40 given - 10 wasted.
    assert lot_balance(ketamine_lot) == Decimal(950)
