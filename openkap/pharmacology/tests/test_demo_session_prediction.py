"""The demo's dosing sessions show a predicted concentration: the IV session in progress (for the
dose given so far) and the signed sessions of the routes a published model covers; IM says it has
none. Uses the dosing demo's own test clinic (openkap/dosing/tests/test_demo_sessions.py)."""

from __future__ import annotations

import pytest

from openkap.dosing.models import DosingSession, SessionStatus
from openkap.dosing.tests.test_demo_sessions import (
    DemoClinic,
    clinic_day,
    demo_clinic,
)
from openkap.pharmacology.selectors import session_prediction

pytestmark = pytest.mark.django_db
__all__ = ["clinic_day", "demo_clinic"]


def test_the_demo_sessions_show_a_prediction_where_a_model_exists(
    demo_clinic: DemoClinic,
) -> None:
    demo_clinic.load()
    live = DosingSession.objects.get(status=SessionStatus.IN_PROGRESS)
    assert live.plan.route == "iv"
    shown = session_prediction(live, list(live.entries.all()))
    assert shown["state"] == "ok"
    assert shown["is_given"] is True
    assert shown["summary"]["cmax_ng_per_ml"] > 0
    states = {
        (session.plan.route, session_prediction(session, list(session.entries.all()))["state"])
        for session in DosingSession.objects.exclude(dose_mg=None).select_related("plan")
    }
    assert ("im", "no_model") in states
    assert {state for route, state in states if route != "im"} == {"ok"}
    assert {route for route, _ in states} >= {"iv", "intranasal_esketamine", "sublingual"}
