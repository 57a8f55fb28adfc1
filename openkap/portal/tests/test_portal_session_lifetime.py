"""A patient's session ends after 15 idle minutes and 12 hours in all, and they sign in at the portal."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from conftest import PASSWORD
from openkap.accounts.sessions import AUTH_STARTED, LAST_ACTIVITY
from openkap.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _age_session(client, *, idle: float = 0, since_start: float = 0) -> None:
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[AUTH_STARTED] = now - since_start
    session.save()


def test_it_ends_an_idle_patient_session_and_sends_them_to_the_portal_sign_in(portal_client):
    _age_session(portal_client, idle=16 * 60, since_start=16 * 60)
    response = portal_client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert "expired=1" in response["Location"]
    assert AuditEvent.objects.filter(action=Action.SESSION_EXPIRED).exists()


def test_it_ends_a_patient_session_after_twelve_hours_however_active(portal_client):
    _age_session(portal_client, idle=0, since_start=12 * 3600 + 60)
    response = portal_client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_the_inactivity_dialog_signs_the_same_patient_back_in_with_their_password(
    portal_client, portal_user
):
    _age_session(portal_client, idle=16 * 60, since_start=16 * 60)
    wrong = portal_client.post(reverse("portal:reauth"), {"password": "not-it"})
    assert wrong.status_code == 403
    right = portal_client.post(reverse("portal:reauth"), {"password": PASSWORD})
    assert right.status_code == 200
    assert portal_client.get(reverse("portal:home")).status_code == 200


def test_the_status_poll_does_not_count_as_activity(portal_client):
    _age_session(portal_client, idle=5 * 60, since_start=5 * 60)
    before = portal_client.session[LAST_ACTIVITY]
    portal_client.get(reverse("portal:session_status"))
    assert portal_client.session[LAST_ACTIVITY] == before
