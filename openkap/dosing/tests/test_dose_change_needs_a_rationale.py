"""A dose different from the patient's last session's needs the prescriber's reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import DosingSession
from openkap.dosing.services import dosing_gate_record
from openkap.dosing.tests.conftest import good_answers
from openkap.inventory.models import Lot
from openkap.plans.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_session(
    confirmed_session: DosingSession, appointment: Appointment, nurse: User
) -> DosingSession:
    """The next dosing appointment of the same plan, gate passed."""
    later = Appointment.objects.create(
        plan=appointment.plan,
        patient=appointment.patient,
        kind=appointment.kind,
        label="Induction, dose 2",
        dose_number=2,
        protocol_day=3,
        starts_at=appointment.starts_at + timedelta(minutes=5),
        duration_minutes=120,
    )
    return dosing_gate_record(
        actor=nurse, appointment=later, nurse=good_answers(), expected_version=None
    )


def test_a_different_dose_without_a_reason_is_refused(
    second_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    with pytest.raises(ValidationError) as refused:
        chart.dosing_dose_confirm(
            actor=prescriber,
            session=second_session,
            dose=chart.DoseInput(dose_mg_per_kg=0.6, weight_kg=80),
            lot=ketamine_lot,
            change_rationale="",
            expected_version=second_session.version,
        )
    assert "40" in refused.value.message_dict["change_rationale"][0]


def test_a_different_dose_keeps_its_reason(
    second_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    session = chart.dosing_dose_confirm(
        actor=prescriber,
        session=second_session,
        dose=chart.DoseInput(dose_mg_per_kg=0.6, weight_kg=80),
        lot=ketamine_lot,
        change_rationale="Little response at 0.5 mg/kg",
        expected_version=second_session.version,
    )
    # 0.6 x 80 = 48 mg, after 40 mg last time.
    assert session.dose_mg == Decimal("48")
    assert session.dose_change_rationale == "Little response at 0.5 mg/kg"
    assert session.dose_calculation["previous_dose_mg"] == "40.000"


def test_the_same_dose_needs_no_reason(
    second_session: DosingSession, prescriber: User, ketamine_lot: Lot
) -> None:
    session = chart.dosing_dose_confirm(
        actor=prescriber,
        session=second_session,
        dose=chart.DoseInput(dose_mg_per_kg=0.5, weight_kg=80),
        lot=ketamine_lot,
        change_rationale="",
        expected_version=second_session.version,
    )
    assert session.dose_change_rationale == ""
