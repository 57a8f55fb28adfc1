"""`openkap demo` charts a completed, signed session of every route and setting the product offers:
IV, IM, esketamine, sublingual in the office and sublingual at home."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from openkap.consent.selectors import consent_status
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.patients.models import SupportPerson
from openkap.plans.models import AppointmentStatus, PlanStatus
from openkap.screening.models import Decision, ScreeningStatus

pytestmark = pytest.mark.django_db

# route, setting, protocol the demo's plan follows
EVERY_ROUTE = {
    ("iv", "in_office"): "iv-racemic-ketamine",
    ("im", "in_office"): "kap-im",
    ("intranasal_esketamine", "in_office"): "esketamine-trd",
    ("sublingual", "in_office"): "kap-sublingual-in-office",
    ("sublingual", "at_home"): "kap-sublingual-at-home",
}


def _demo() -> None:
    call_command("demo", stdout=StringIO())


def test_it_signs_a_completed_session_of_every_route_and_setting() -> None:
    _demo()
    for (route, setting), protocol_id in EVERY_ROUTE.items():
        sessions = DosingSession.objects.filter(
            plan__route=route,
            plan__setting=setting,
            plan__protocol_id=protocol_id,
            plan__status=PlanStatus.ACTIVE,
            status=SessionStatus.SIGNED,
        ).select_related("appointment", "lot__product")
        assert sessions.exists(), f"no signed {route} session ({setting}, {protocol_id})"
        for session in sessions:
            assert session.signed_at is not None and session.signed_by is not None
            assert session.discharged_at is not None and session.dose_mg is not None
            assert session.signed_at < timezone.now()
            assert session.appointment.status == AppointmentStatus.DONE
            assert session.ledger_entry is not None and session.lot is not None


def test_the_patients_of_the_new_routes_were_screened_eligible_and_consented() -> None:
    _demo()
    for route, setting in [
        ("intranasal_esketamine", "in_office"),
        ("sublingual", "in_office"),
        ("sublingual", "at_home"),
    ]:
        session = (
            DosingSession.objects.filter(plan__route=route, plan__setting=setting)
            .select_related("plan__screening", "patient")
            .first()
        )
        assert session is not None, (route, setting)
        screening = session.plan.screening
        assert screening.status == ScreeningStatus.SIGNED
        assert screening.final_decision == Decision.ELIGIBLE
        assert (screening.route, screening.setting) == (route, setting)
        states = {kind: str(s.state) for kind, s in consent_status(session.patient).items()}
        needed = ["ketamine_treatment", "no_driving", "controlled_substance"]
        needed += {"intranasal_esketamine": ["esketamine_rems"]}.get(route, [])
        needed += {"at_home": ["at_home"]}.get(setting, [])
        assert all(states.get(kind) == "current" for kind in needed), states
        if setting == "at_home":
            assert SupportPerson.objects.filter(
                patient=session.patient, is_home_support=True
            ).exists()
