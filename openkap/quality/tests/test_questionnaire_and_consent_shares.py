"""Outcome questionnaires completed when due, and treated patients who signed the ketamine-treatment
consent, counted by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openkap.consent.models import ConsentWithdrawal
from openkap.quality.selectors import questionnaires_completed, treatment_consent_signed
from openkap.quality.tests.factories import assignment, days_ago, plan, treatment_consent

pytestmark = pytest.mark.django_db


def test_it_counts_questionnaires_answered_of_those_due(clinic, patient, prescriber):
    assignment(patient, prescriber, days_ago(3), answered=True)
    assignment(patient, prescriber, days_ago(2))
    assignment(patient, prescriber, days_ago(1), withdrawn=True)
    assignment(patient, prescriber, timezone.now() + timedelta(days=2))
    share = questionnaires_completed(clinic)
    assert (share.numerator, share.denominator) == (1, 2)


def test_a_withdrawn_consent_does_not_count(clinic, make_patient, prescriber):
    signed = plan(make_patient(clinic), prescriber, signed_at=days_ago(3)).patient
    treatment_consent(signed, prescriber)
    withdrawn = plan(make_patient(clinic), prescriber, signed_at=days_ago(3)).patient
    ConsentWithdrawal.objects.create(
        signed_consent=treatment_consent(withdrawn, prescriber),
        withdrawn_at=timezone.now(),
        recorded_by=prescriber,
    )
    plan(make_patient(clinic), prescriber, signed_at=days_ago(3))
    share = treatment_consent_signed(clinic)
    assert (share.numerator, share.denominator) == (1, 3)
