"""The patient's counts are kept with what is expected (dispensed, minus doses taken, minus
returns); a count that differs alerts the care team."""

from __future__ import annotations

import pytest

from openkap.athome import services
from openkap.athome.models import AtHomeAlert

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def test_a_matching_count_raises_nothing(dispense, patient, portal_user):
    dispensing = dispense(units=4)
    count = services.patient_count_record(
        user=portal_user, patient=patient, dispensing=dispensing, counted_units=4, context="receipt"
    )
    assert (count.expected_units, count.discrepancy) == (4, 0)
    assert not AtHomeAlert.objects.exists()


def test_a_dose_taken_lowers_what_is_expected(dispense, patient, portal_user, session):
    dispensing = dispense(units=4)
    services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    services.dose_taken_record(user=portal_user, patient=patient, appointment=session)
    assert services.expected_units(dispensing) == 3


def test_a_count_that_differs_alerts_the_care_team(dispense, patient, portal_user):
    dispensing = dispense(units=4)
    count = services.patient_count_record(
        user=portal_user, patient=patient, dispensing=dispensing, counted_units=2, context="session"
    )
    assert count.discrepancy == -2
    alert = AtHomeAlert.objects.get()
    assert (alert.kind, alert.ref) == ("count_mismatch", str(count.pk))
