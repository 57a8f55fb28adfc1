"""Shared fixtures: an organisation with two clinics, staff of every role, and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.models import Clinic, Membership, Organisation, Role, User
from openkap.accounts.sessions import session_start
from openkap.patients.models import Patient

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="Test Health")


@pytest.fixture
def clinic(organisation: Organisation) -> Clinic:
    return Clinic.objects.create(organisation=organisation, name="North", mrn_prefix="NO")


@pytest.fixture
def other_clinic(organisation: Organisation) -> Clinic:
    return Clinic.objects.create(organisation=organisation, name="South", mrn_prefix="SO")


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    def make(username: str, clinic: Clinic, *roles: str, with_device: bool = True) -> User:
        user = User.objects.create_user(
            username=username, password=PASSWORD, first_name=username.title()
        )
        for role in roles:
            Membership.objects.create(user=user, clinic=clinic, role=role)
        if with_device:
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        return user

    return make


@pytest.fixture
def staff(clinic: Clinic, make_staff: Callable[..., User]) -> dict[str, User]:
    """One user per role in `clinic`, keyed by role value."""
    return {role: make_staff(f"{role}-user", clinic, role) for role in Role.values}


def sign_in(client: Client, user: User) -> Client:
    """Sign in as if both factors were given: the session holds the verified device."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session_start(session, idle_minutes=15)
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return lambda user: sign_in(Client(), user)


@pytest.fixture
def make_patient(db: None) -> Callable[..., Patient]:
    counter = {"n": 0}

    def make(clinic: Clinic, **fields: object) -> Patient:
        counter["n"] += 1
        values: dict[str, object] = {
            "legal_given_name": "Robin",
            "legal_family_name": f"Testperson{counter['n']}",
            "date_of_birth": date(1985, 4, 12),
            "sex": "female",
        }
        values.update(fields)
        return Patient.objects.create(
            clinic=clinic, mrn=f"{clinic.mrn_prefix}-{counter['n']:06d}", **values
        )

    return make


@pytest.fixture
def patient(clinic: Clinic, make_patient: Callable[..., Patient]) -> Patient:
    return make_patient(clinic)
