"""After: discharge when every criterion is met, sign to lock, then only addenda."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.dosing.tests.conftest import move_start_back, vitals
from openkap.plans.models import AppointmentStatus

pytestmark = pytest.mark.django_db


def end_dosing(session: DosingSession, nurse: User) -> None:
    chart.chart_entry_add(
        actor=nurse,
        session=session,
        entry=chart.EntryInput(kind="dose_end", client_id=uuid.uuid4()),
    )


def recovered(session: DosingSession, nurse: User) -> None:
    """A normal vitals set and resolved ratings, just now."""
    chart.chart_entry_add(
        actor=nurse,
        session=session,
        entry=vitals(systolic=124, diastolic=78, heart_rate=70, spo2=98),
    )
    for kind, score in (("sedation", 5), ("dissociation", 0)):
        chart.chart_entry_add(
            actor=nurse,
            session=session,
            entry=chart.EntryInput(kind=kind, client_id=uuid.uuid4(), score=score),
        )


def discharge(session: DosingSession, nurse: User) -> DosingSession:
    session.refresh_from_db()
    return chart.dosing_discharge(
        actor=nurse,
        session=session,
        alert_and_oriented=True,
        escort_name="Sam Driver",
        aftercare_given=True,
        expected_version=session.version,
    )


def test_it_refuses_discharge_before_the_minimum_monitoring_time(
    started_session: DosingSession, nurse: User
) -> None:
    end_dosing(started_session, nurse)
    recovered(started_session, nurse)
    with pytest.raises(ValidationError) as refused:
        discharge(started_session, nurse)
    assert "Not ready for discharge." in refused.value.messages
    started_session.refresh_from_db()
    assert started_session.status == SessionStatus.IN_PROGRESS


def test_it_refuses_discharge_while_dosing_runs(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError, match="has not ended"):
        discharge(started_session, nurse)


def test_it_discharges_when_every_criterion_is_met(
    started_session: DosingSession, nurse: User
) -> None:
    end_dosing(started_session, nurse)
    move_start_back(started_session, 180)
    recovered(started_session, nurse)
    session = discharge(started_session, nurse)
    assert session.status == SessionStatus.DISCHARGED
    assert all(item["status"] == "met" for item in session.discharge_items)
    session.appointment.refresh_from_db()
    assert session.appointment.status == AppointmentStatus.DONE


def test_a_missing_escort_blocks_discharge(started_session: DosingSession, nurse: User) -> None:
    end_dosing(started_session, nurse)
    move_start_back(started_session, 180)
    recovered(started_session, nurse)
    started_session.refresh_from_db()
    with pytest.raises(ValidationError):
        chart.dosing_discharge(
            actor=nurse,
            session=started_session,
            alert_and_oriented=True,
            escort_name="",
            aftercare_given=True,
            expected_version=started_session.version,
        )


@pytest.fixture
def signed_session(started_session: DosingSession, nurse: User) -> DosingSession:
    end_dosing(started_session, nurse)
    move_start_back(started_session, 180)
    recovered(started_session, nurse)
    session = discharge(started_session, nurse)
    return chart.dosing_sign(actor=nurse, session=session, expected_version=session.version)


def test_a_signed_chart_takes_no_more_entries(signed_session: DosingSession, nurse: User) -> None:
    assert signed_session.status == SessionStatus.SIGNED
    assert signed_session.signed_by == nurse
    with pytest.raises(ValidationError, match="addendum"):
        chart.chart_entry_add(
            actor=nurse, session=signed_session, entry=vitals(systolic=120, diastolic=70)
        )


def test_an_addendum_needs_a_reason(signed_session: DosingSession, nurse: User) -> None:
    with pytest.raises(ValidationError) as refused:
        chart.dosing_addendum_add(actor=nurse, session=signed_session, reason=" ", text="x")
    assert "reason" in refused.value.message_dict
    addendum = chart.dosing_addendum_add(
        actor=nurse,
        session=signed_session,
        reason="Late entry",
        text="Patient reported mild nausea at 30 min, settled without treatment.",
    )
    assert addendum.session == signed_session


def test_an_addendum_is_only_for_a_signed_chart(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError, match="signed charts"):
        chart.dosing_addendum_add(actor=nurse, session=started_session, reason="r", text="t")


def test_it_cannot_be_signed_before_discharge(started_session: DosingSession, nurse: User) -> None:
    with pytest.raises(ValidationError, match="discharged"):
        chart.dosing_sign(
            actor=nurse, session=started_session, expected_version=started_session.version
        )
