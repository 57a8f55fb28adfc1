"""An active at-home plan made directly (the plans app's tests cover how a plan is signed)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openkap.accounts.models import User
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan
from openkap.plans.tests.factories import sign_screening


def make_at_home_plan(patient: Patient, prescriber: User) -> TreatmentPlan:
    """A preparation visit a week ago, a dose starting now, an integration visit tomorrow, a dose
    next week."""
    screening = sign_screening(patient, prescriber, route="sublingual", setting="at_home")
    plan = TreatmentPlan.objects.create(
        patient=patient,
        screening=screening,
        indication_code="F33.1",
        route="sublingual",
        setting="at_home",
        psychotherapy="cbt",
        format="individual",
        protocol_id="kap-sublingual-at-home",
        protocol_name="At-home sublingual ketamine series (telehealth)",
        start_date=timezone.localdate() - timedelta(days=7),
        status="active",
        created_by=prescriber,
    )
    now = timezone.now().replace(microsecond=0)
    for n, (kind, offset) in enumerate(
        [("preparation", -7), ("dosing", 0), ("integration", 1), ("dosing", 7)]
    ):
        Appointment.objects.create(
            plan=plan,
            patient=patient,
            kind=kind,
            label=f"{kind} {n}",
            dose_number=(1 if offset == 0 else 2) if kind == "dosing" else None,
            protocol_day=7 + offset,
            starts_at=now + timedelta(days=offset),
            duration_minutes=120,
        )
    return plan
