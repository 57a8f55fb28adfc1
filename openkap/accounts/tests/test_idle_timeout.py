from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.accounts.sessions import LAST_ACTIVITY
from openkap.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY] = time.time() - seconds
    session.save()


def test_it_ends_an_idle_session_and_sends_the_page_to_sign_in(staff, client_for):
    nurse = staff[Role.NURSE]
    client = client_for(nurse)
    _idle_for(client, 16 * 60)
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query) == {"next": [reverse("patients:list")], "expired": ["1"]}
    row = AuditEvent.objects.get(action=Action.SESSION_EXPIRED)
    assert row.user == nurse
    assert row.detail["reason"] == "idle time-out"
    # The session is over: the next request is not signed in either.
    again = client.get(reverse("web:home"))
    assert again.status_code == 302
    assert urlsplit(again["Location"]).path == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_says_why(staff, client_for):
    client = client_for(staff[Role.NURSE])
    _idle_for(client, 16 * 60)
    page = client.get(reverse("web:home"), follow=True)
    assert "signed out after a period of inactivity" in page.content.decode()


def test_a_session_just_inside_the_idle_limit_carries_on(staff, client_for):
    client = client_for(staff[Role.NURSE])
    _idle_for(client, 14 * 60)
    assert client.get(reverse("web:home")).status_code == 200
    assert not AuditEvent.objects.filter(action=Action.SESSION_EXPIRED).exists()


@pytest.mark.parametrize(
    "headers", [{"HX-Request": "true"}, {"Accept": "application/json"}], ids=["htmx", "json"]
)
def test_it_answers_a_script_with_401_json(staff, client_for, headers):
    client = client_for(staff[Role.FRONT_DESK])
    _idle_for(client, 16 * 60)
    response = client.post(reverse("patients:list"), {"query": "x"}, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "session_expired"
    assert AuditEvent.objects.filter(action=Action.SESSION_EXPIRED).count() == 1
    assert client.get(reverse("web:home")).status_code == 302
