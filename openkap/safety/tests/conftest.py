"""Safety test records: the dosing tests' started session (a real protocol, dose drawn from the
ledger) and the portal's patient account."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import (  # noqa: F401
    admin,
    appointment,
    confirmed_session,
    consented,
    ketamine_lot,
    nurse,
    prescriber,
    ready_session,
    started_session,
)
from openkap.portal.tests.fixtures import (  # noqa: F401
    make_portal_account,
    portal_client,
    portal_sign_in,
    portal_user,
)


def chart_side_effect(
    session: DosingSession,
    actor: User,
    *,
    term: str = "nausea",
    severity: str = "mild",
    text: str = "",
    observed_at: datetime | None = None,
) -> ChartEntry:
    return chart.chart_entry_add(
        actor=actor,
        session=session,
        entry=chart.EntryInput(
            kind="side_effect",
            client_id=uuid.uuid4(),
            term=term,
            severity=severity,
            text=text,
            observed_at=observed_at,
        ),
    )


@pytest.fixture
def therapist(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("therapist.safety", clinic, Role.THERAPIST)


@pytest.fixture
def nurse_client(request: pytest.FixtureRequest, client_for: Callable[[User], Client]) -> Client:
    return client_for(request.getfixturevalue("nurse"))


def minutes_ago(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)


__all__ = ["chart_side_effect", "minutes_ago", "portal_sign_in"]
