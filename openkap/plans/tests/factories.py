"""Test records made directly (the screening's own tests cover how a screening is signed)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import User
from openkap.patients.models import Patient
from openkap.screening.models import Decision, Screening, ScreeningStatus


def sign_screening(
    patient: Patient, prescriber: User, decision: str = Decision.ELIGIBLE, **fields: Any
) -> Screening:
    now = timezone.now()
    return Screening.objects.create(
        patient=patient,
        status=ScreeningStatus.SIGNED,
        route=fields.get("route", ""),
        setting=fields.get("setting", ""),
        engine_input={},
        engine_output={},
        engine_decision=decision,
        rule_pack="test",
        evaluated_at=now,
        evaluated_by=prescriber,
        final_decision=decision,
        signed_at=now,
        signed_by=prescriber,
        created_by=prescriber,
    )


def signing_request(user: User) -> HttpRequest:
    """A request for the services that check the password again (signing a plan)."""
    request = RequestFactory().post("/plans/test/")
    request.user = user
    request.session = SessionStore()
    return request
