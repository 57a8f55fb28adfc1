from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.accounts.sessions import LAST_ACTIVITY

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, seconds: float) -> float:
    session = client.session
    session[LAST_ACTIVITY] = time.time() - seconds
    session.save()
    return float(session[LAST_ACTIVITY])


def test_polling_the_status_is_not_activity(staff, client_for):
    client = client_for(staff[Role.NURSE])
    last = _idle_for(client, 10 * 60)
    response = client.get(reverse("accounts:session_status"))
    assert response.status_code == 200
    body = response.json()
    assert body["signed_in"] is True
    # 15 minutes allowed, 10 already idle: about 5 minutes left.
    assert 4 * 60 <= body["seconds_left"] <= 5 * 60
    assert client.session[LAST_ACTIVITY] == pytest.approx(last)


def test_polling_does_not_keep_an_idle_session_alive(staff, client_for):
    client = client_for(staff[Role.NURSE])
    _idle_for(client, 14 * 60)
    poll = {"Accept": "application/json"}  # as the page's script asks
    assert client.get(reverse("accounts:session_status"), headers=poll).status_code == 200
    # Two more minutes pass after the poll: what the poll left behind is now 16 minutes old.
    session = client.session
    session[LAST_ACTIVITY] -= 2 * 60
    session.save()
    assert client.get(reverse("accounts:session_status"), headers=poll).status_code == 401


def test_a_heartbeat_counts_as_activity(staff, client_for):
    client = client_for(staff[Role.NURSE])
    _idle_for(client, 10 * 60)
    before = time.time()
    response = client.post(reverse("accounts:session_heartbeat"))
    assert response.status_code == 200
    assert response.json()["seconds_left"] >= 15 * 60 - 5
    assert client.session[LAST_ACTIVITY] >= before


def test_a_heartbeat_must_be_a_post(staff, client_for):
    client = client_for(staff[Role.NURSE])
    assert client.get(reverse("accounts:session_heartbeat")).status_code == 405


def test_the_status_of_a_signed_out_browser_is_401(db):
    response = Client().get(reverse("accounts:session_status"))
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
