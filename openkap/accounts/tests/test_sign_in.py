from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from openkap.accounts.mfa import current_code
from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def _password_step(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_asks_for_the_code_after_the_password(clinic, make_staff):
    make_staff("nina", clinic, Role.NURSE)
    client = Client()
    response = _password_step(client, "nina")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")
    # The password alone does not sign anyone in.
    assert client.get(reverse("web:home")).status_code == 302


def test_it_signs_in_with_password_and_current_code(clinic, make_staff):
    user = make_staff("nina", clinic, Role.NURSE)
    client = Client()
    _password_step(client, "nina")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:mfa_verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    assert AuditEvent.objects.filter(user=user, action=Action.LOGIN).count() == 1


def test_it_rejects_a_wrong_code(clinic, make_staff):
    user = make_staff("nina", clinic, Role.NURSE)
    client = Client()
    _password_step(client, "nina")
    good = current_code(TOTPDevice.objects.get(user=user))
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:mfa_verify"), {"token": wrong})
    assert response.status_code == 400
    assert b"not right" in response.content
    assert client.get(reverse("web:home")).status_code == 302


def test_it_rejects_a_wrong_password_and_audits_it(clinic, make_staff):
    make_staff("nina", clinic, Role.NURSE)
    client = Client()
    response = _password_step(client, "nina", "not-the-password")
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, username="nina").exists()


def test_a_user_without_a_device_must_enrol_first(clinic, make_staff):
    user = make_staff("newbie", clinic, Role.FRONT_DESK, with_device=False)
    client = Client()
    response = _password_step(client, "newbie")
    assert response["Location"] == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(user=user, action=Action.MFA_ENROLLED).exists()


def test_it_locks_a_username_out_after_ten_failed_passwords(clinic, make_staff):
    make_staff("nina", clinic, Role.NURSE)
    client = Client()
    for _ in range(10):
        _password_step(client, "nina", "wrong-password-123")
    # Even the right password is refused during the cool-off.
    response = _password_step(client, "nina")
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()
