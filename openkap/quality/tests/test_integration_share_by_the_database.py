"""The share of signed dosing sessions followed by an integration session within the protocol's
window, counted by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openkap.clinical import protocols
from openkap.quality.selectors import integration_followed
from openkap.quality.tests.factories import (
    appointment,
    days_ago,
    plan,
    session,
    signed_integration_note,
)

pytestmark = pytest.mark.django_db

WINDOW = protocols.protocol("kap-im").schedule.integration.within_days


def test_it_counts_integration_within_the_window(clinic, make_patient, prescriber):
    treatment = plan(make_patient(clinic), prescriber, signed_at=days_ago(90))
    followed = session(treatment, prescriber, days_ago(30))
    appointment(
        treatment, "integration", followed.appointment.starts_at + timedelta(days=1), status="done"
    )
    late = session(treatment, prescriber, days_ago(60))
    appointment(
        treatment,
        "integration",
        late.appointment.starts_at + timedelta(days=WINDOW + 2),
        status="done",
    )
    # Window still open and nothing yet: not counted either way.
    session(treatment, prescriber, days_ago(1))
    # Not signed: not counted.
    session(treatment, prescriber, days_ago(40), signed=False)

    share = integration_followed(clinic)

    assert (share.numerator, share.denominator) == (1, 2)


def test_a_scheduled_integration_that_was_not_held_does_not_count(clinic, make_patient, prescriber):
    treatment = plan(make_patient(clinic), prescriber, signed_at=days_ago(90))
    dosing = session(treatment, prescriber, days_ago(30))
    appointment(treatment, "integration", dosing.appointment.starts_at + timedelta(days=1))
    assert (integration_followed(clinic).numerator, integration_followed(clinic).denominator) == (
        0,
        1,
    )


def test_a_signed_integration_note_counts(clinic, make_patient, prescriber, therapist):
    treatment = plan(make_patient(clinic), prescriber, signed_at=days_ago(90))
    dosing = session(treatment, prescriber, days_ago(30))
    signed_integration_note(
        treatment, therapist, dosing.appointment.starts_at + timedelta(days=2), dosing
    )
    share = integration_followed(clinic)
    assert (share.numerator, share.denominator) == (1, 1)


def test_esketamine_under_the_label_asks_for_no_integration(clinic, make_patient, prescriber):
    treatment = plan(
        make_patient(clinic),
        prescriber,
        signed_at=days_ago(90),
        route="intranasal_esketamine",
        protocol="esketamine-trd",
    )
    session(treatment, prescriber, days_ago(30))
    assert integration_followed(clinic).denominator == 0
