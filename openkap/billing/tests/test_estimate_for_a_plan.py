"""The estimate of a patient's plan: its appointments (cancelled and missed left out) once active,
its protocol's schedule while a draft, priced from the clinic's list; no plan, or a session without
a price, is said plainly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkap.billing import selectors
from openkap.billing.tests.conftest import make_active_plan
from openkap.plans import protocols
from openkap.plans.models import Appointment, AppointmentStatus, PlanStatus


def _lines(result: selectors.PlanEstimate) -> dict[str, tuple[int, str, str]]:
    return {
        line.item: (line.quantity, str(line.expected_coverage), str(line.patient_pays))
        for line in result.estimate.lines
    }


def test_an_active_plan_is_priced_from_its_appointments_with_the_patients_payer(
    price_list, insurer, patient, prescriber
):
    patient.insurance_payer = "ACME"
    patient.save()
    make_active_plan(patient, prescriber, doses=6)
    result = selectors.plan_estimate(patient)
    assert result.payer == insurer
    # Preparation 200 at 20% coinsurance; 6 IV doses as the package of 6 (2100, not covered);
    # 6 integrations at 150 with a 30 copay; a reassessment at 120 with no rule for it.
    assert _lines(result) == {
        "Preparation": (1, "160.00", "40.00"),
        "IV package of 6": (1, "0.00", "2100.00"),
        "Integration": (6, "720.00", "180.00"),
        "Reassessment": (1, "0.00", "120.00"),
    }
    assert result.estimate.total == Decimal("3320.00")
    assert result.estimate.patient_total == Decimal("2440.00")


def test_cancelled_and_missed_sessions_are_left_out(price_list, patient, prescriber):
    plan = make_active_plan(patient, prescriber, doses=6)
    dosing = Appointment.objects.filter(plan=plan, kind="dosing").order_by("starts_at")
    dosing.filter(pk=dosing[0].pk).update(status=AppointmentStatus.CANCELLED)
    dosing.filter(pk=dosing[1].pk).update(status=AppointmentStatus.MISSED)
    result = selectors.plan_estimate(patient)
    assert _lines(result)["IV infusion"][0] == 4
    assert "IV package of 6" not in _lines(result)


def test_a_draft_plan_is_priced_from_its_protocols_schedule(
    price_list, patient, prescriber, monkeypatch
):
    plan = make_active_plan(patient, prescriber, doses=1)
    Appointment.objects.filter(plan=plan).delete()
    plan.status = PlanStatus.DRAFT
    plan.save()

    class Event:
        def __init__(self, kind: str) -> None:
            self.kind, self.day, self.label, self.dose_number = kind, 0, kind, None

    schedule = [Event("preparation")] + [Event("dosing")] * 6 + [Event("integration")] * 3
    monkeypatch.setattr(protocols, "real_schedule", lambda protocol_id, sessions: schedule)
    result = selectors.plan_estimate(patient)
    assert {item: quantity for item, (quantity, _, _) in _lines(result).items()} == {
        "Preparation": 1,
        "IV package of 6": 1,
        "Integration": 3,
    }
    assert "draft" in result.assumptions[0]


def test_a_patient_without_a_plan_has_no_estimate(price_list, patient):
    with pytest.raises(selectors.EstimateUnavailable, match="no treatment plan"):
        selectors.plan_estimate(patient)


def test_a_session_without_a_price_is_named(price_list, patient, prescriber):
    price_list["reassessment"].active = False
    price_list["reassessment"].save()
    make_active_plan(patient, prescriber)
    with pytest.raises(selectors.EstimateUnavailable, match=r"No price .*Reassessment"):
        selectors.plan_estimate(patient)


def test_without_a_payer_no_coverage_is_expected(price_list, patient, prescriber):
    make_active_plan(patient, prescriber, doses=6)
    result = selectors.plan_estimate(patient)
    assert result.payer is None
    assert result.estimate.patient_total == result.estimate.total
