from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from openkap.accounts.mfa import current_code
from openkap.accounts.models import Clinic, Membership, Role, User
from openkap.accounts.sessions import IDLE_SECONDS, LAST_ACTIVITY

pytestmark = pytest.mark.django_db


def _sign_in(user: User) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    code = current_code(TOTPDevice.objects.get(user=user))
    assert client.post(reverse("accounts:mfa_verify"), {"token": code}).status_code == 302
    return client


def test_the_session_gets_the_clinics_idle_time_out(clinic, make_staff):
    clinic.idle_timeout_minutes = 5
    clinic.save()
    client = _sign_in(make_staff("nina", clinic, Role.NURSE))
    assert client.session[IDLE_SECONDS] == 5 * 60
    page = client.get(reverse("web:home"))
    assert page.context["idle_seconds"] == 5 * 60
    # Six idle minutes are too many at this clinic.
    session = client.session
    session[LAST_ACTIVITY] = time.time() - 6 * 60
    session.save()
    assert client.get(reverse("web:home")).status_code == 302


def test_a_longer_clinic_time_out_lets_a_session_sit_longer(clinic, make_staff):
    clinic.idle_timeout_minutes = 30
    clinic.save()
    client = _sign_in(make_staff("nina", clinic, Role.NURSE))
    session = client.session
    session[LAST_ACTIVITY] = time.time() - 25 * 60
    session.save()
    assert client.get(reverse("web:home")).status_code == 200


def test_the_strictest_of_the_users_clinics_applies(clinic, other_clinic, make_staff):
    clinic.idle_timeout_minutes = 20
    clinic.save()
    other_clinic.idle_timeout_minutes = 7
    other_clinic.save()
    user = make_staff("roaming", clinic, Role.NURSE)
    Membership.objects.create(user=user, clinic=other_clinic, role=Role.THERAPIST)
    client = _sign_in(user)
    assert client.session[IDLE_SECONDS] == 7 * 60


@pytest.mark.parametrize("minutes", [4, 31])
def test_a_clinic_cannot_set_a_time_out_outside_5_to_30_minutes(clinic, minutes):
    clinic.idle_timeout_minutes = minutes
    with pytest.raises(ValidationError) as caught:
        clinic.full_clean()
    assert "idle_timeout_minutes" in caught.value.message_dict
    assert Clinic.objects.get(pk=clinic.pk).idle_timeout_minutes == 15
