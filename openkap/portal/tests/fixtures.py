"""Fixtures shared by the portal's and the consent app's tests (imported by their conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import PASSWORD
from openkap.accounts.models import Clinic, User
from openkap.accounts.sessions import session_start
from openkap.consent.models import ConsentDocument
from openkap.consent.services import consent_document_publish
from openkap.patients.models import Patient
from openkap.portal.models import PortalAccount


def create_portal_account(patient: Patient, username: str = "") -> User:
    user = User.objects.create_user(
        username=username or f"patient.{patient.pk}",
        password=PASSWORD,
        kind=User.Kind.PATIENT,
        first_name=patient.legal_given_name,
    )
    PortalAccount.objects.create(user=user, patient=patient)
    return user


@pytest.fixture
def make_portal_account(db: None) -> Callable[..., User]:
    return create_portal_account


@pytest.fixture
def portal_user(patient: Patient, make_portal_account: Callable[..., User]) -> User:
    return make_portal_account(patient)


def portal_sign_in(client: Client, user: User) -> Client:
    """Signed in at the portal as a patient (password only, no second factor)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session_start(session, idle_minutes=15)
    session.save()
    return client


@pytest.fixture
def portal_client(portal_user: User) -> Client:
    return portal_sign_in(Client(), portal_user)


@pytest.fixture
def publish(db: None) -> Callable[..., ConsentDocument]:
    def make(
        clinic: Clinic,
        kind: str = "ketamine_treatment",
        body: str = "## Risks\n\nKetamine raises blood pressure.\n\n- No driving until tomorrow.",
        change_summary: str = "",
    ) -> ConsentDocument:
        return consent_document_publish(
            actor=None,
            clinic=clinic,
            kind=kind,
            title=f"Consent {kind}",
            body=body,
            basis="Test basis",
            change_summary=change_summary,
        )

    return make
