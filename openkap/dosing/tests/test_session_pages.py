"""The session chart pages: read audited, forms post and come back, refusals name the field."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.dosing.tests.conftest import PASSWORD
from openkap.inventory.models import Lot
from openkap.inventory.services import lot_balance

pytestmark = pytest.mark.django_db


def url(name: str, session: DosingSession) -> str:
    return reverse(f"dosing:{name}", kwargs={"public_id": session.patient.public_id})


def post(client: Client, name: str, session: DosingSession, **data: Any) -> Any:
    return client.post(url(name, session), {"appointment": session.appointment_id, **data})


def test_the_chart_page_is_read_and_audited(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(nurse)
    response = client.get(
        url("session", started_session), {"appointment": started_session.appointment_id}
    )
    assert response.status_code == 200
    assert b"During the session" in response.content
    assert AuditEvent.objects.filter(
        action=Action.READ, patient=started_session.patient, detail__view="dosing_session"
    ).exists()


def test_a_prescriber_confirms_the_dose_with_the_password(
    ready_session: DosingSession,
    prescriber: User,
    ketamine_lot: Lot,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(prescriber)
    data = {
        "version": ready_session.version,
        "dose_mg_per_kg": "0.5",
        "weight_kg": "60",
        "infusion_min": "40",
        "lot": ketamine_lot.pk,
    }
    refused = post(client, "dose", ready_session, password="wrong", **data)
    assert refused.status_code == 400
    assert b"The password is not correct." in refused.content
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, detail__reason="password refused (dose confirmation)"
    ).exists()
    ready_session.refresh_from_db()
    assert ready_session.dose_mg is None
    response = post(client, "dose", ready_session, password=PASSWORD, **data)
    assert response.status_code == 302
    ready_session.refresh_from_db()
    # 0.5 mg/kg x 60 kg.
    assert ready_session.dose_mg == 30


def test_a_dose_outside_the_range_is_shown_with_its_field(
    ready_session: DosingSession,
    prescriber: User,
    ketamine_lot: Lot,
    client_for: Callable[[User], Client],
) -> None:
    response = post(
        client_for(prescriber),
        "dose",
        ready_session,
        version=ready_session.version,
        dose_mg_per_kg="3",
        weight_kg="60",
        lot=ketamine_lot.pk,
        password=PASSWORD,
    )
    assert response.status_code == 400
    assert b"outside" in response.content


def test_the_dose_preview_shows_the_rule(
    ready_session: DosingSession, prescriber: User, client_for: Callable[[User], Client]
) -> None:
    response = post(
        client_for(prescriber),
        "dose_preview",
        ready_session,
        dose_mg_per_kg="0.5",
        weight_kg="80",
        infusion_min="40",
        concentration_mg_per_ml="10",
    )
    # 40 mg at 10 mg/mL = 4 mL over 40 min = 6 mL/h.
    assert b"40 mg" in response.content
    assert b"6.0 mL/h" in response.content or b"6 mL/h" in response.content


def test_the_nurse_starts_dosing_and_the_ledger_balances(
    confirmed_session: DosingSession,
    nurse: User,
    ketamine_lot: Lot,
    client_for: Callable[[User], Client],
) -> None:
    response = post(
        client_for(nurse),
        "start",
        confirmed_session,
        version=confirmed_session.version,
        client_id=uuid.uuid4(),
    )
    assert response.status_code == 302
    confirmed_session.refresh_from_db()
    assert confirmed_session.status == SessionStatus.IN_PROGRESS
    assert lot_balance(ketamine_lot) == 960


def test_vitals_posted_twice_are_charted_once(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(nurse)
    client_id = uuid.uuid4()
    for _ in range(2):
        response = post(
            client,
            "entry",
            started_session,
            kind="vitals",
            client_id=client_id,
            systolic="190",
            diastolic="100",
        )
        assert response.status_code == 302
    entries = ChartEntry.objects.filter(session=started_session, kind="vitals")
    assert entries.count() == 1
    page = client.get(url("live", started_session), {"appointment": started_session.appointment_id})
    assert b"Alerts (" in page.content


def test_a_bad_vital_comes_back_with_the_field_named(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = post(
        client_for(nurse),
        "entry",
        started_session,
        kind="vitals",
        client_id=uuid.uuid4(),
        systolic="120",
        diastolic="80",
        spo2="180",
    )
    assert response.status_code == 400
    assert b"SpO2 (%): 180 is not a plausible value" in response.content


def test_signing_needs_the_password(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    DosingSession.objects.filter(pk=started_session.pk).update(status=SessionStatus.DISCHARGED)
    started_session.refresh_from_db()
    client = client_for(nurse)
    refused = post(client, "sign", started_session, version=started_session.version, password="x")
    assert refused.status_code == 400
    started_session.refresh_from_db()
    assert started_session.status == SessionStatus.DISCHARGED
    signed = post(
        client, "sign", started_session, version=started_session.version, password=PASSWORD
    )
    assert signed.status_code == 302
    started_session.refresh_from_db()
    assert started_session.status == SessionStatus.SIGNED


def test_a_pause_without_a_reason_is_refused_with_a_message(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = post(
        client_for(nurse), "entry", started_session, kind="pause", client_id=uuid.uuid4()
    )
    assert response.status_code == 400
    assert b"text: Write why." in response.content
    assert not ChartEntry.objects.filter(session=started_session, kind="pause").exists()


def test_an_unknown_kind_is_refused(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    response = post(
        client_for(nurse), "entry", started_session, kind="magic", client_id=uuid.uuid4()
    )
    assert response.status_code == 400
    assert b"Not a kind of chart entry." in response.content


def test_the_aftercare_sheet_lists_the_instructions_and_the_clinic(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    clinic = started_session.patient.clinic
    clinic.phone = "617 555 0100"
    clinic.save(update_fields=["phone"])
    response = client_for(nurse).get(
        url("aftercare", started_session), {"appointment": started_session.appointment_id}
    )
    assert response.status_code == 200
    assert b"Do not drive" in response.content
    assert b"617 555 0100" in response.content
    assert b"988" in response.content
    assert AuditEvent.objects.filter(detail__view="dosing_aftercare_sheet").exists()
