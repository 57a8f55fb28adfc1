"""Fixtures of the quality app's tests: the clinic's administrator and clinicians."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.quality.models import StaffCredential
from openkap.quality.services import credential_add


@pytest.fixture
def admin(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("admin-q", clinic, Role.CLINIC_ADMIN)


@pytest.fixture
def prescriber(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("prescriber-q", clinic, Role.PRESCRIBER)


@pytest.fixture
def therapist(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("therapist-q", clinic, Role.THERAPIST)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def add_licence(admin: User, clinic: Clinic) -> Callable[..., StaffCredential]:
    def add(holder: User, kind: str = "medical_licence", **fields: Any) -> StaffCredential:
        values: dict[str, Any] = {
            "number": "LIC-1",
            "issuer": "State board",
            "expires_on": in_days(400),
            "issued_on": in_days(-300),
        }
        values.update(fields)
        return credential_add(actor=admin, clinic=clinic, holder=holder, kind=kind, **values)

    return add
