from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from openkap.accounts.mfa import current_code
from openkap.accounts.models import Role
from openkap.accounts.sessions import LAST_ACTIVITY
from openkap.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _time_out(client: Client) -> None:
    session = client.session
    session[LAST_ACTIVITY] = time.time() - 16 * 60
    session.save()
    assert client.get(reverse("web:home")).status_code == 302


def _code_for(user) -> str:
    return current_code(TOTPDevice.objects.get(user=user))


def test_it_signs_the_same_user_back_in(staff, client_for):
    nurse = staff[Role.NURSE]
    client = client_for(nurse)
    _time_out(client)
    response = client.post(
        reverse("accounts:reauth"), {"password": PASSWORD, "token": _code_for(nurse)}
    )
    assert response.status_code == 200
    assert response.json()["signed_in"] is True
    assert response.json()["csrf_token"]
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    assert page.context["user"] == nurse
    assert AuditEvent.objects.filter(action=Action.LOGIN, user=nurse).count() == 1


def test_it_refuses_another_users_password_and_code(clinic, staff, make_staff, client_for):
    nurse = staff[Role.NURSE]
    other = make_staff("oscar", clinic, Role.NURSE)
    other.set_password("oscar-has-his-own-password-77")
    other.save()
    client = client_for(nurse)
    _time_out(client)
    response = client.post(
        reverse("accounts:reauth"),
        {"password": "oscar-has-his-own-password-77", "token": _code_for(other)},
    )
    assert response.status_code == 403
    assert client.get(reverse("web:home")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_it_refuses_a_wrong_code(staff, client_for):
    nurse = staff[Role.NURSE]
    client = client_for(nurse)
    _time_out(client)
    wrong = f"{(int(_code_for(nurse)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "token": wrong})
    assert response.status_code == 403
    assert client.get(reverse("web:home")).status_code == 302


def test_it_refuses_a_wrong_password(staff, client_for):
    nurse = staff[Role.NURSE]
    client = client_for(nurse)
    _time_out(client)
    response = client.post(
        reverse("accounts:reauth"),
        {"password": "not-my-password-at-all", "token": _code_for(nurse)},
    )
    assert response.status_code == 403
    assert client.get(reverse("web:home")).status_code == 302


def test_it_needs_a_session_that_timed_out(staff):
    response = Client().post(
        reverse("accounts:reauth"), {"password": PASSWORD, "token": _code_for(staff[Role.NURSE])}
    )
    assert response.status_code == 400
