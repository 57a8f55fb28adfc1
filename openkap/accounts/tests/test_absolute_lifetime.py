from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.accounts.sessions import AUTH_STARTED, LAST_ACTIVITY
from openkap.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

HOUR = 3600


def _signed_in_for(client: Client, seconds: float) -> None:
    session = client.session
    now = time.time()
    session[AUTH_STARTED] = now - seconds
    session[LAST_ACTIVITY] = now - 5  # busy right up to now
    session.save()


def test_it_ends_a_session_after_twelve_hours_even_when_busy(staff, client_for):
    prescriber = staff[Role.PRESCRIBER]
    client = client_for(prescriber)
    _signed_in_for(client, 12 * HOUR + 60)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["expired"] == ["1"]
    row = AuditEvent.objects.get(action=Action.SESSION_EXPIRED)
    assert row.user == prescriber
    assert row.detail["reason"] == "absolute lifetime reached"
    assert client.get(reverse("web:home")).status_code == 302


def test_a_busy_session_under_twelve_hours_carries_on(staff, client_for):
    client = client_for(staff[Role.PRESCRIBER])
    _signed_in_for(client, 12 * HOUR - 120)
    assert client.get(reverse("web:home")).status_code == 200


def test_the_status_never_promises_more_than_the_absolute_lifetime_allows(staff, client_for):
    client = client_for(staff[Role.PRESCRIBER])
    _signed_in_for(client, 12 * HOUR - 120)
    left = client.get(reverse("accounts:session_status")).json()["seconds_left"]
    assert 0 < left <= 120
